import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { REFUND_WORKFLOW, refundWorkflowId } from '../workflows/refund.messages';
import type { RefundWatch } from './refunds';

/** Each refund gets one workflow; asking again for the same refund starts nothing new. */
export class TemporalRefundWatch implements RefundWatch {
  constructor(private readonly deps: { temporal: Client; taskQueue: string }) {}

  async watch(outRefundNo: string): Promise<void> {
    try {
      await this.deps.temporal.workflow.start(REFUND_WORKFLOW, {
        workflowId: refundWorkflowId(outRefundNo),
        taskQueue: this.deps.taskQueue,
        args: [outRefundNo],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Refund ${outRefundNo}`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
