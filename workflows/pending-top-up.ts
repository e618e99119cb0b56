import { proxyActivities } from '@temporalio/workflow';
import type { TopUpActivities } from '../activities/top-up-activities';
import { watchUntilSettled } from './pending-order';
import { CLOSE_GRACE_MS, type PendingTopUpInput, queryDelayMs } from './pending-top-up.messages';

const payments = proxyActivities<TopUpActivities>({
  startToCloseTimeout: '30 seconds',
  // WeChat Pay unreachable for a while: keep asking, never leave the order pending.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * A WeChat Pay top-up whose notification may never come: asked about now and then, credited when paid, closed
 * once expired. Ends as soon as the order is settled either way (a notification that arrived meanwhile included).
 */
export async function watchPendingTopUp({ outTradeNo, expiresAtMs }: PendingTopUpInput): Promise<string> {
  return watchUntilSettled({
    closeAt: expiresAtMs + CLOSE_GRACE_MS,
    delayMs: queryDelayMs,
    settle: (closeIfUnpaid) => payments.settlePendingTopUp({ outTradeNo, closeIfUnpaid }),
  });
}
