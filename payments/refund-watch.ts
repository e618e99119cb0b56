import type { Client } from '@temporalio/client';
import { startWorkflowOnce } from '../infra/temporal';
import { REFUND_WORKFLOW, refundWorkflowId } from '../workflows/refund.messages';
import type { RefundWatch } from './refunds';

/**
 * Each refund gets one workflow; asking again for the same refund starts nothing new while it runs or once it has
 * ended (it ends only when the refund did). A run that was terminated or failed leaves the refund to a new one.
 */
export class TemporalRefundWatch implements RefundWatch {
  constructor(private readonly deps: { temporal: Client; taskQueue: string }) {}

  watch(outRefundNo: string): Promise<boolean> {
    return startWorkflowOnce(this.deps.temporal, REFUND_WORKFLOW, {
      workflowId: refundWorkflowId(outRefundNo),
      taskQueue: this.deps.taskQueue,
      args: [outRefundNo],
      staticSummary: `Refund ${outRefundNo}`,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
  }
}
