import { proxyActivities, sleep } from '@temporalio/workflow';
import type { RefundActivities } from '../activities/refund-activities';
import { refundQueryDelayMs } from './refund.messages';

const refunds = proxyActivities<RefundActivities>({
  startToCloseTimeout: '30 seconds',
  // The provider unreachable for a while: keep asking; the refund is never given up on by us.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * One refund, exactly once: submitted under its own out_refund_no (a retried submission is the same refund to the
 * provider), then followed until it ends — succeeded, closed (the amount goes back to the wallet) or abnormal (support).
 * A notification that ends it first is seen at the next look.
 */
export async function refundToPayer(outRefundNo: string): Promise<string> {
  let status = await refunds.submitRefund(outRefundNo);
  for (let attempt = 0; status === 'processing'; attempt++) {
    await sleep(refundQueryDelayMs(attempt));
    status = await refunds.checkRefund(outRefundNo);
  }
  return status;
}
