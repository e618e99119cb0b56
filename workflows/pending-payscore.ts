import { proxyActivities } from '@temporalio/workflow';
import type { PayscoreActivities } from '../activities/payscore-activities';
import { watchUntilSettled } from './pending-order';
import { type PendingPayscoreInput, payscoreQueryDelayMs } from './pending-payscore.messages';

const payscore = proxyActivities<PayscoreActivities>({
  startToCloseTimeout: '30 seconds',
  // WeChat Pay unreachable for a while: keep asking, never leave the order open.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * A session's WeChat Pay Score order whose notifications may never come: asked about now and then; cancelled once
 * its confirmation window has passed if the driver never confirmed it (or its creation was never answered); followed
 * after completion until WeChat Pay collected it. Ends once the order is settled either way.
 */
export async function watchPendingPayscoreOrder({ outOrderNo, expiresAtMs }: PendingPayscoreInput): Promise<string> {
  return watchUntilSettled({
    closeAt: expiresAtMs,
    delayMs: payscoreQueryDelayMs,
    settle: (cancelIfUnconfirmed) => payscore.settlePendingPayscoreOrder({ outOrderNo, cancelIfUnconfirmed }),
  });
}
