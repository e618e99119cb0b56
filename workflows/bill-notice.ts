import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { BillNoticeActivities } from '../activities/bill-notice-activities';

const notices = proxyActivities<BillNoticeActivities>({
  startToCloseTimeout: '30 seconds',
  // About a day of retries: a bill that arrives later than that is worth less than the noise.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 hours', maximumAttempts: 20 },
});

/** The bill of a settled session to the driver, retried apart from settlement, which never waits for it. */
export async function pushBillNotice(sessionId: string): Promise<string> {
  try {
    return await notices.sendBillNotice(sessionId);
  } catch (error) {
    if (error instanceof ActivityFailure) return `not sent: ${error.cause?.message ?? error.message}`;
    throw error;
  }
}
