import type { Client } from '@temporalio/client';
import { startWorkflowOnce } from '../../infra/temporal';
import { PENDING_PAYSCORE_WORKFLOW, type PendingPayscoreInput, pendingPayscoreWorkflowId } from '../../workflows/pending-payscore.messages';
import type { PendingPayscoreWatch } from './wechat-payscore';

/** Each Payscore order gets one watch workflow; asking again for the same order starts nothing new. */
export class TemporalPendingPayscoreWatch implements PendingPayscoreWatch {
  constructor(private readonly deps: { temporal: Client; taskQueue: string }) {}

  async watch(order: PendingPayscoreInput): Promise<void> {
    await startWorkflowOnce(this.deps.temporal, PENDING_PAYSCORE_WORKFLOW, {
      workflowId: pendingPayscoreWorkflowId(order.outOrderNo),
      taskQueue: this.deps.taskQueue,
      args: [order],
      staticSummary: `WeChat Pay Score order ${order.outOrderNo}: query, cancel if never confirmed, follow until paid`,
    });
  }
}
