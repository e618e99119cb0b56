import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { BillNoticeQueue, BillNotices } from '../activities/ports';
import type { Database } from '../db/database';
import { type BillTemplateFields, billNoticeData, billNoticePage } from '../domain/bill-notice';
import { type WeChatMessenger, WeChatMessageRefused } from '../infra/wechat/subscribe-message';
import { BILL_NOTICE_WORKFLOW, billNoticeWorkflowId } from '../workflows/bill-notice.messages';

/**
 * The bill of a settled session, sent to the driver as a WeChat subscribe message. Skipped (said so, not failed)
 * when WeChat messages are not configured or the driver has no WeChat openid or did not subscribe.
 */
export class WeChatBillNotices implements BillNotices {
  constructor(private readonly deps: { db: Database; messenger?: WeChatMessenger; fields: BillTemplateFields }) {}

  async send(sessionId: string): Promise<string> {
    const { Order, ChargingSession, Station, User } = this.deps.db.models;
    if (!this.deps.messenger) return 'skipped: WECHAT_BILL_TEMPLATE_ID or the WeChat app settings are not set';
    const [order, session] = await Promise.all([Order.findOne({ where: { sessionId } }), ChargingSession.findByPk(sessionId)]);
    if (!order || !session) throw new Error(`session ${sessionId} has no order yet`);
    const [user, station] = await Promise.all([User.findByPk(order.userId), Station.findByPk(order.stationId)]);
    if (!user?.wechatOpenId) return 'skipped: the driver has no WeChat openid';
    const data = billNoticeData(
      { sessionId, stationName: station?.name ?? order.stationId, energyWh: order.energyWh, totalFen: order.totalFen, settledAtMs: order.createdAt.getTime(), utcOffsetMinutes: session.tariff.utcOffsetMinutes },
      this.deps.fields,
    );
    try {
      await this.deps.messenger.send(user.wechatOpenId, { page: billNoticePage(sessionId), data });
    } catch (error) {
      if (error instanceof WeChatMessageRefused && error.notSubscribed) return 'skipped: the driver did not subscribe to bill messages';
      throw error;
    }
    return 'sent';
  }
}

/** One bill-notice workflow per session: asking again (a retried settlement) starts nothing new. */
export class TemporalBillNoticeQueue implements BillNoticeQueue {
  constructor(private readonly deps: { temporal: Client; taskQueue: string }) {}

  async enqueue(sessionId: string): Promise<void> {
    try {
      await this.deps.temporal.workflow.start(BILL_NOTICE_WORKFLOW, {
        workflowId: billNoticeWorkflowId(sessionId),
        taskQueue: this.deps.taskQueue,
        args: [sessionId],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Bill of session ${sessionId} to the driver`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
