import type { Client } from '@temporalio/client';
import { startWorkflowOnce } from '../../infra/temporal';
import { PENDING_TOP_UP_WORKFLOW, type PendingTopUpInput, pendingTopUpWorkflowId } from '../../workflows/pending-top-up.messages';
import type { PendingTopUpWatch } from './wechat-pay-top-ups';

/** Each WeChat Pay order gets one watch workflow; asking again for the same order starts nothing new. */
export class TemporalPendingTopUpWatch implements PendingTopUpWatch {
  constructor(private readonly deps: { temporal: Client; taskQueue: string }) {}

  async watch(order: PendingTopUpInput): Promise<void> {
    await startWorkflowOnce(this.deps.temporal, PENDING_TOP_UP_WORKFLOW, {
      workflowId: pendingTopUpWorkflowId(order.outTradeNo),
      taskQueue: this.deps.taskQueue,
      args: [order],
      staticSummary: `WeChat Pay top-up ${order.outTradeNo}: query, credit or close`,
    });
  }
}
