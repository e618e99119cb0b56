import { z } from 'zod';
import type { AuthorizeRequest, CaptureRequest, PaymentProvider } from '../../activities/ports';
import type { Database } from '../../db/database';
import type { PayscoreOrder } from '../../db/models';
import type { Orders } from '../../db/orders';
import type { PayscoreFacts, PayscoreOrders } from '../../db/payscore-orders';
import type { UserDirectory } from '../../db/users';
import { postJournalEntry } from '../../db/ledger';
import { DomainError } from '../../domain/errors';
import { accounts, journalLines } from '../../domain/ledger';
import { type PayscoreState, isPayscoreSettled, payscoreStateOf, postPaymentsOf } from '../../domain/payscore';
import { type PreauthDecision, wantedHoldFen } from '../../domain/preauthorization';
import { type SignedMessage, WeChatPayClient, errorCode, parseJson } from './client';
import type { WeChatPayConfig } from './config';

/** A service order as WeChat Pay Score answers and notifies it (the fields we read). */
const serviceOrder = z.object({
  appid: z.string(),
  mchid: z.string(),
  service_id: z.string(),
  out_order_no: z.string().max(32),
  state: z.string().max(32),
  state_description: z.string().max(32).optional(),
  order_id: z.string().max(64).optional(),
  total_amount: z.number().int().optional(),
  collection: z
    .object({
      state: z.string().max(32).optional(),
      paid_amount: z.number().int().optional(),
      details: z.array(z.object({ amount: z.number().int(), paid_time: z.string().max(64).optional(), transaction_id: z.string().max(64).optional() })).max(100).optional(),
    })
    .optional(),
});
type ServiceOrder = z.infer<typeof serviceOrder>;

/** Where an order that may never hear from WeChat Pay is handed over, to be queried and cancelled (a workflow). */
export interface PendingPayscoreWatch {
  watch(order: { outOrderNo: string; expiresAtMs: number }): Promise<void>;
}

/** How long an order may stay unconfirmed (created, or its creation unanswered) before its watch cancels it. */
export const PAYSCORE_CONFIRM_WINDOW_MS = 10 * 60_000;

/** Where a watched order stands: settled, or `pending` while it may still move. */
export type PayscoreWatchOutcome = PayscoreState | 'pending';

/**
 * Pay-as-you-go on WeChat Pay Score (支付分, the charging-pile scene), APIv3 `/v3/payscore/serviceorder`: authorize
 * creates the session's service order with the pre-authorization as its risk amount, capture completes it with the
 * exact bill (by component), release cancels it. Every call is idempotent per session: the order's row is written
 * before WeChat Pay is asked, WeChat Pay accepts a repeated creation with the same parameters, and what is already
 * recorded is answered from the record. Notifications (driver confirmed, driver paid) are verified like top-ups'.
 */
export class WeChatPayscore implements PaymentProvider {
  private readonly client: WeChatPayClient;

  constructor(
    private readonly options: {
      db: Database;
      orders: PayscoreOrders;
      /** The orders settlement writes, in the transaction that records the completion. */
      sessionOrders: Orders;
      users: UserDirectory;
      config: WeChatPayConfig & { payscoreServiceId: string };
      watch?: PendingPayscoreWatch;
      now?: () => number;
    },
  ) {
    this.client = new WeChatPayClient(options.config, options.now);
  }

  private get config() {
    return this.options.config;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async authorize({ sessionId, userId, limits, policy }: AuthorizeRequest): Promise<PreauthDecision> {
    const { orders } = this.options;
    let order = await orders.begin({ sessionId, userId, riskFen: wantedHoldFen(limits, policy) });
    if (order.state !== 'creating') return this.decisionOf(order);
    const user = await this.options.users.byId(userId);
    if (!user?.wechatOpenId) {
      ({ order } = await orders.advance(sessionId, 'declined', { declineReason: 'paying with WeChat Pay Score needs an account signed in with WeChat' }));
      return this.decisionOf(order);
    }
    await this.options.watch?.watch({ outOrderNo: order.outOrderNo, expiresAtMs: order.createdAt.getTime() + PAYSCORE_CONFIRM_WINDOW_MS });
    const answer = await this.client.call('POST', '/v3/payscore/serviceorder', JSON.stringify(this.creation(order, user.wechatOpenId)));
    if (!answer.ok) {
      if (answer.status >= 500 || answer.status === 429) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay Score did not create the order (${answer.status} ${errorCode(answer.text)}); try again`);
      ({ order } = await orders.advance(sessionId, 'declined', { declineReason: `WeChat Pay Score refused the order (${errorCode(answer.text)})` }));
      return this.decisionOf(order);
    }
    ({ order } = await this.record(order, parseJson(serviceOrder, answer.text, 'service order answer')));
    return this.decisionOf(order);
  }

  /** Completes the order with the exact bill, then records it and writes the session's order in one transaction. */
  async capture(request: CaptureRequest): Promise<void> {
    const { orders, db, sessionOrders } = this.options;
    const order = await orders.bySession(request.sessionId);
    if (!order) throw new DomainError('NOT_FOUND', `session ${request.sessionId} has no Payscore order to complete`);
    const { bill } = request;
    if (bill.heldFen !== order.riskFen || bill.capturedFen + bill.releasedFen !== order.riskFen) {
      throw new DomainError('VALIDATION_FAILED', `bill does not match the Payscore risk amount of ${order.riskFen} fen`, { bill });
    }
    const settledBefore = order.state === 'completed' || order.state === 'paid' || (order.state === 'cancelled' && order.totalFen === 0);
    if (settledBefore) {
      if (order.totalFen !== bill.capturedFen) throw new DomainError('CONFLICT', `the Payscore order of session ${order.sessionId} was completed with ${order.totalFen} fen`);
    } else if (order.state !== 'doing') {
      throw new DomainError('SESSION_STATE_CONFLICT', `the Payscore order of session ${order.sessionId} is ${order.state}; it cannot be completed`);
    } else if (bill.capturedFen === 0) {
      await this.cancelAtWeChatPay(order, '未产生费用');
    } else {
      await this.complete(order, request);
    }
    const reported: PayscoreState = bill.capturedFen === 0 ? 'cancelled' : 'completed';
    await db.transaction(async (transaction) => {
      const { moved } = await orders.advance(order.sessionId, reported, { totalFen: bill.capturedFen }, transaction);
      if (moved || (await sessionOrders.ofSession(order.sessionId)).length === 0) await sessionOrders.record(request, transaction);
      if (bill.totalFen > 0) {
        const lines = journalLines.bill(accounts.providerClearing('payscore'), bill);
        await postJournalEntry(db, { idempotencyKey: `${order.sessionId}:payscore-capture`, kind: 'provider_capture', sessionId: order.sessionId, lines }, transaction);
      }
    });
  }

  /** Cancels the order of a session that did not charge; an order already completed or ended stays as it is. */
  async release(sessionId: string): Promise<void> {
    const order = await this.options.orders.bySession(sessionId);
    if (!order || order.state === 'completed' || isPayscoreSettled(order.state)) return;
    await this.cancelAtWeChatPay(order, '未充电');
    await this.options.orders.advance(sessionId, 'cancelled');
  }

  /** Handles one notification (driver confirmed, driver paid); resolves when recorded, throws when it must be refused. */
  async confirm(message: SignedMessage): Promise<void> {
    const { resource } = this.client.openNotification(message, serviceOrder);
    const order = await this.options.orders.byOutOrderNo(resource.out_order_no);
    if (!order) throw new DomainError('NOT_FOUND', `no Payscore order ${resource.out_order_no}`);
    await this.record(order, resource);
  }

  /**
   * The watch's question: asks WeChat Pay about an order whose notification has not come and records the answer; once
   * `cancelIfUnconfirmed` (its confirmation window has passed), an order the driver never confirmed is cancelled. An
   * order in service belongs to its session; a completed one is asked about until WeChat Pay collected it.
   */
  async settlePending(outOrderNo: string, options: { cancelIfUnconfirmed: boolean }): Promise<PayscoreWatchOutcome> {
    let order = await this.options.orders.byOutOrderNo(outOrderNo);
    if (!order) throw new DomainError('NOT_FOUND', `no Payscore order ${outOrderNo}`);
    if (isPayscoreSettled(order.state)) return order.state;
    if (order.state === 'doing') return 'pending';
    const known = await this.query(order);
    if (known) ({ order } = await this.record(order, known));
    if (isPayscoreSettled(order.state)) return order.state;
    if ((order.state === 'creating' || order.state === 'created') && options.cancelIfUnconfirmed) {
      await this.cancelAtWeChatPay(order, '用户未确认');
      return (await this.options.orders.advance(order.sessionId, 'cancelled')).order.state;
    }
    return 'pending';
  }

  /** What the session is told of its order: approved for the risk amount while the order stands, else refused. */
  private decisionOf(order: PayscoreOrder): PreauthDecision {
    switch (order.state) {
      case 'doing':
      case 'completed':
      case 'paid':
        return { approved: true, holdFen: order.riskFen };
      case 'created':
        // Created but waiting for the driver to confirm: this driver has not enabled Payscore for our service.
        return { approved: false, refusedBy: 'payscore', reason: 'WeChat Pay Score asks the driver to confirm the order first' };
      case 'creating':
        throw new DomainError('UPSTREAM_FAILED', `WeChat Pay Score has not answered for order ${order.outOrderNo}; try again`);
      default:
        return { approved: false, refusedBy: 'payscore', reason: order.declineReason ?? `the order is ${order.state}` };
    }
  }

  /** Records what WeChat Pay says of an order (checked to be ours and for the amount we completed). */
  private async record(order: PayscoreOrder, reported: ServiceOrder) {
    if (reported.appid !== this.config.appId || reported.mchid !== this.config.mchId || reported.service_id !== this.config.payscoreServiceId) {
      throw new DomainError('VALIDATION_FAILED', 'the Payscore order is for another app, merchant or service');
    }
    if (reported.out_order_no !== order.outOrderNo) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay answered for order ${reported.out_order_no}; we asked about ${order.outOrderNo}`);
    const state = payscoreStateOf({ state: reported.state, stateDescription: reported.state_description });
    if (!state) throw new DomainError('UPSTREAM_FAILED', `unknown Payscore order state ${reported.state}`);
    const facts: PayscoreFacts = { orderId: reported.order_id };
    if (state === 'paid') {
      const paidFen = reported.collection?.paid_amount ?? reported.total_amount;
      if (order.totalFen !== null && paidFen !== order.totalFen) {
        throw new DomainError('VALIDATION_FAILED', `order ${order.outOrderNo} was completed with ${order.totalFen} fen; WeChat Pay reported ${paidFen} paid`);
      }
      const payment = reported.collection?.details?.find((d) => d.transaction_id);
      facts.transactionId = payment?.transaction_id;
      facts.paidAt = payment?.paid_time && !Number.isNaN(Date.parse(payment.paid_time)) ? new Date(payment.paid_time) : new Date(this.now());
    }
    return this.options.orders.advance(order.sessionId, state, facts);
  }

  private creation(order: PayscoreOrder, openId: string) {
    return {
      out_order_no: order.outOrderNo,
      appid: this.config.appId,
      service_id: this.config.payscoreServiceId,
      service_introduction: '充电服务',
      time_range: { start_time: 'OnAccept' },
      risk_fund: { name: 'ESTIMATE_ORDER_COST', amount: order.riskFen, description: '本次充电预估最高费用' },
      notify_url: new URL('payscore-notify', this.config.notifyUrl).toString(),
      openid: openId,
      need_user_confirm: false,
    };
  }

  /** POST …/complete with the exact bill; a repeat after a lost answer finds WeChat Pay completed with the same amount. */
  private async complete(order: PayscoreOrder, { bill }: CaptureRequest): Promise<void> {
    const body = JSON.stringify({ appid: this.config.appId, service_id: this.config.payscoreServiceId, post_payments: postPaymentsOf(bill), total_amount: bill.capturedFen });
    const answer = await this.client.call('POST', `/v3/payscore/serviceorder/${encodeURIComponent(order.outOrderNo)}/complete`, body);
    if (answer.ok) return;
    const known = await this.query(order);
    const state = known && payscoreStateOf({ state: known.state, stateDescription: known.state_description });
    if ((state === 'completed' || state === 'paid') && known?.total_amount === bill.capturedFen) return;
    throw new DomainError('UPSTREAM_FAILED', `WeChat Pay Score refused to complete the order (${answer.status} ${errorCode(answer.text)})`);
  }

  /** POST …/cancel; an order WeChat Pay never created, or cancelled already, is as good as cancelled. */
  private async cancelAtWeChatPay(order: PayscoreOrder, reason: string): Promise<void> {
    const answer = await this.client.call('POST', `/v3/payscore/serviceorder/${encodeURIComponent(order.outOrderNo)}/cancel`, JSON.stringify({ appid: this.config.appId, service_id: this.config.payscoreServiceId, reason }));
    if (answer.ok || answer.status === 404) return;
    const known = await this.query(order);
    const state = known && payscoreStateOf({ state: known.state, stateDescription: known.state_description });
    if (state === 'cancelled' || state === 'expired') return;
    throw new DomainError('UPSTREAM_FAILED', `WeChat Pay Score refused to cancel the order (${answer.status} ${errorCode(answer.text)})`);
  }

  /** GET /v3/payscore/serviceorder: the order as WeChat Pay knows it; undefined when it never created it. */
  private async query(order: PayscoreOrder): Promise<ServiceOrder | undefined> {
    const query = new URLSearchParams({ out_order_no: order.outOrderNo, service_id: this.config.payscoreServiceId, appid: this.config.appId });
    const answer = await this.client.call('GET', `/v3/payscore/serviceorder?${query}`);
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the Payscore order query (${answer.status} ${errorCode(answer.text)})`);
    return parseJson(serviceOrder, answer.text, 'service order query answer');
  }
}
