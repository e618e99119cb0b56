import { z } from 'zod';
import type { WeChatPayOrder } from '../../db/models';
import type { UserDirectory } from '../../db/users';
import type { WalletPayments } from '../../db/wallet';
import { type WeChatPayOrders, topUpKeyOf } from '../../db/wechat-pay-orders';
import { DomainError } from '../../domain/errors';
import type { JsapiPayment, TopUpProvider, TopUpRequest, TopUpStarted } from '../top-ups';
import type { WeChatPayConfig } from './config';
import type { Logger } from '../../infra/logger';
import { type SignedMessage, WeChatPayClient, errorCode, parseJson } from './client';
import { nonce, signLines } from './signatures';

const FAILED_STATES = ['CLOSED', 'REVOKED', 'PAYERROR'];

const transaction = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  /** Absent from an order query's answer until the order is paid. */
  transaction_id: z.string().max(32).optional(),
  /** When the driver paid (RFC 3339), once paid: the instant WeChat Pay's daily bill files the payment under. */
  success_time: z.string().max(64).optional(),
  trade_state: z.string(),
  amount: z.object({ total: z.number().int(), currency: z.string() }),
});

type Transaction = z.infer<typeof transaction>;

/** How long a driver has to pay before the order expires (WeChat's `time_expire`) and is closed. */
export const DEFAULT_ORDER_EXPIRY_MS = 30 * 60_000;

/** Where an order that may never hear from WeChat Pay is handed over, to be queried and closed (a workflow). */
export interface PendingTopUpWatch {
  watch(order: { outTradeNo: string; expiresAtMs: number }): Promise<void>;
}

/** Where a pending order stands after asking WeChat Pay. */
export type PendingTopUpOutcome = 'paid' | 'failed' | 'closed' | 'pending';

/**
 * Top-ups through WeChat Pay API v3 JSAPI. `start` places the order (prepay, with an expiry) and signs the
 * parameters for wx.requestPayment, and hands the order to the watch; `confirm` takes WeChat Pay's notification —
 * signature, freshness, merchant, amount all checked — and credits the wallet exactly once per order, however often
 * WeChat Pay repeats it; `settlePending` asks WeChat Pay about an order whose notification has not come, credits it
 * when paid, and closes it once expired, so no order stays pending.
 */
export class WeChatPayTopUps implements TopUpProvider {
  constructor(
    private readonly options: {
      orders: WeChatPayOrders;
      users: UserDirectory;
      config: WeChatPayConfig;
      wallet: WalletPayments;
      watch?: PendingTopUpWatch;
      orderExpiryMs?: number;
      now?: () => number;
      logger?: Pick<Logger, 'error'>;
    },
  ) {
    this.client = new WeChatPayClient(options.config, options.now);
  }

  private readonly client: WeChatPayClient;

  private get config() {
    return this.options.config;
  }

  async start({ userId, amountFen, idempotencyKey }: TopUpRequest): Promise<TopUpStarted> {
    const user = await this.options.users.byId(userId);
    if (!user?.wechatOpenId) throw new DomainError('FORBIDDEN', 'paying with WeChat Pay needs an account signed in with WeChat');
    const order = await this.orderFor({ userId, amountFen, idempotencyKey });
    if (order.status !== 'pending') throw new DomainError('CONFLICT', `top-up ${order.outTradeNo} is ${order.status} already; use a new Idempotency-Key`);
    if (!order.prepayId) await order.update({ prepayId: await this.prepay(order, user.wechatOpenId) });
    await this.options.watch?.watch({ outTradeNo: order.outTradeNo, expiresAtMs: this.expiryOf(order) });
    return {
      topUp: { id: order.outTradeNo, amountFen: order.amountFen, status: 'pending', provider: 'wechatpay', createdAt: order.createdAt },
      payment: this.paymentFor(order.prepayId!),
    };
  }

  /** Handles one notification; resolves when it is settled (credited, or recorded as failed), throws when it must be refused. */
  async confirm(message: SignedMessage): Promise<void> {
    const paid = this.client.openNotification(message, transaction).resource;
    if (paid.appid !== this.config.appId || paid.mchid !== this.config.mchId) throw new DomainError('VALIDATION_FAILED', 'the notification is for another app or merchant');
    const order = await this.options.orders.byOutTradeNo(paid.out_trade_no);
    if (!order) throw new DomainError('NOT_FOUND', `no WeChat Pay order ${paid.out_trade_no}`);
    await this.apply(order, paid);
  }

  /**
   * Asks WeChat Pay where an order stands and records it; an order still unpaid is closed when `closeIfUnpaid`
   * (its expiry has passed). Idempotent: an order already settled is answered from our record without asking.
   */
  async settlePending(outTradeNo: string, options: { closeIfUnpaid: boolean }): Promise<PendingTopUpOutcome> {
    const order = await this.options.orders.byOutTradeNo(outTradeNo);
    if (!order) throw new DomainError('NOT_FOUND', `no WeChat Pay order ${outTradeNo}`);
    if (order.status !== 'pending') return order.status;
    const outcome = await this.apply(order, await this.query(order));
    if (outcome !== 'pending' || !options.closeIfUnpaid) return outcome;
    if (await this.close(order)) {
      await order.update({ status: 'closed' });
      return 'closed';
    }
    return this.apply(order, await this.query(order)); // WeChat Pay refused to close a paid order: it was paid meanwhile
  }

  /** Records what WeChat Pay says of an order: credits it once when paid, marks it failed when WeChat Pay gave up on it. */
  private async apply(order: WeChatPayOrder, paid: Transaction): Promise<PendingTopUpOutcome> {
    if (paid.trade_state !== 'SUCCESS') {
      if (FAILED_STATES.includes(paid.trade_state) && order.status === 'pending') await order.update({ status: 'failed' });
      return order.status;
    }
    if (paid.amount.total !== order.amountFen || paid.amount.currency !== 'CNY') {
      throw new DomainError('VALIDATION_FAILED', `order ${order.outTradeNo} is for ${order.amountFen} fen CNY; WeChat Pay reported ${paid.amount.total} ${paid.amount.currency}`);
    }
    if (order.status === 'closed' || order.status === 'failed') {
      // WeChat Pay refuses to close a paid order and to pay a closed one, so this is not a payment we owe a credit
      // for; it is left for reconciliation to find rather than credited on the word of a late message.
      this.options.logger?.error({ outTradeNo: order.outTradeNo, status: order.status }, 'WeChat Pay reported a payment of an order we had closed; not credited');
      return order.status;
    }
    if (!paid.transaction_id) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay reported order ${order.outTradeNo} paid without its transaction id`);
    await this.options.wallet.creditTopUp({
      userId: order.userId,
      amountFen: order.amountFen,
      provider: 'wechatpay',
      providerRef: paid.transaction_id,
      idempotencyKey: topUpKeyOf(order.outTradeNo),
    });
    const paidAt = paid.success_time && !Number.isNaN(Date.parse(paid.success_time)) ? new Date(paid.success_time) : new Date(this.options.now?.() ?? Date.now());
    if (order.status !== 'paid') await order.update({ status: 'paid', transactionId: paid.transaction_id, paidAt });
    return 'paid';
  }

  private expiryOf(order: WeChatPayOrder): number {
    return order.createdAt.getTime() + (this.options.orderExpiryMs ?? DEFAULT_ORDER_EXPIRY_MS);
  }

  /** GET /v3/pay/transactions/out-trade-no/{out_trade_no}: the order as WeChat Pay knows it. */
  private async query(order: WeChatPayOrder): Promise<Transaction> {
    const answer = await this.client.call('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(order.outTradeNo)}?mchid=${this.config.mchId}`);
    if (!answer.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the order query (${answer.status} ${errorCode(answer.text)})`);
    return parseJson(transaction, answer.text, 'order query answer');
  }

  /** POST …/close: true when closed, false when WeChat Pay refuses because the order is paid. */
  private async close(order: WeChatPayOrder): Promise<boolean> {
    const answer = await this.client.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(order.outTradeNo)}/close`, JSON.stringify({ mchid: this.config.mchId }));
    if (answer.ok) return true;
    if (errorCode(answer.text) === 'ORDERPAID') return false;
    throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused to close the order (${answer.status} ${errorCode(answer.text)})`);
  }

  private async orderFor(request: TopUpRequest): Promise<WeChatPayOrder> {
    const order = await this.options.orders.placeOnce(request);
    if (order.userId !== request.userId || order.amountFen !== request.amountFen) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key: already used for a different top-up', { field: 'Idempotency-Key' });
    }
    return order;
  }

  private async prepay(order: WeChatPayOrder, openId: string): Promise<string> {
    const body = JSON.stringify({
      appid: this.config.appId,
      mchid: this.config.mchId,
      description: '钱包充值',
      out_trade_no: order.outTradeNo,
      time_expire: rfc3339(this.expiryOf(order)),
      notify_url: this.config.notifyUrl,
      amount: { total: order.amountFen, currency: 'CNY' },
      payer: { openid: openId },
    });
    const answer = await this.client.call('POST', '/v3/pay/transactions/jsapi', body);
    if (!answer.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the order (${answer.status} ${errorCode(answer.text)})`);
    return parseJson(z.object({ prepay_id: z.string().min(1).max(64) }), answer.text, 'prepay answer').prepay_id;
  }

  private paymentFor(prepayId: string): JsapiPayment {
    const timeStamp = String(Math.floor((this.options.now?.() ?? Date.now()) / 1000));
    const nonceStr = nonce();
    const pkg = `prepay_id=${prepayId}`;
    return { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: signLines(this.config.privateKeyPem, [this.config.appId, timeStamp, nonceStr, pkg]) };
  }
}

/** WeChat Pay's time format: RFC 3339 to the second. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
