import { z } from 'zod';
import type { WeChatPayOrder } from '../../db/models';
import type { UserDirectory } from '../../db/users';
import type { WalletPayments } from '../../db/wallet';
import type { WeChatPayOrders } from '../../db/wechat-pay-orders';
import { DomainError } from '../../domain/errors';
import type { JsapiPayment, TopUpProvider, TopUpRequest, TopUpStarted } from '../top-ups';
import type { WeChatPayConfig } from './config';
import { authorizationHeader, decryptResource, nonce, signLines, verifyLines } from './signatures';

/** A signed message older or newer than this is refused as a replay. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const FAILED_STATES = ['CLOSED', 'REVOKED', 'PAYERROR'];

export interface SignedMessage {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const notification = z.object({
  event_type: z.string(),
  resource: z.object({ algorithm: z.string(), ciphertext: z.string(), nonce: z.string(), associated_data: z.string().optional() }),
});
const transaction = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().max(32),
  trade_state: z.string(),
  amount: z.object({ total: z.number().int(), currency: z.string() }),
});

/**
 * Top-ups through WeChat Pay API v3 JSAPI. `start` places the order (prepay) and signs the parameters for
 * wx.requestPayment; `confirm` takes WeChat Pay's notification — signature, freshness, merchant, amount all
 * checked — and credits the wallet exactly once per order, however often WeChat Pay repeats it.
 */
export class WeChatPayTopUps implements TopUpProvider {
  constructor(private readonly options: { orders: WeChatPayOrders; users: UserDirectory; config: WeChatPayConfig; wallet: WalletPayments; now?: () => number }) {}

  private get config() {
    return this.options.config;
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  async start({ userId, amountFen, idempotencyKey }: TopUpRequest): Promise<TopUpStarted> {
    const user = await this.options.users.byId(userId);
    if (!user?.wechatOpenId) throw new DomainError('FORBIDDEN', 'paying with WeChat Pay needs an account signed in with WeChat');
    const order = await this.orderFor({ userId, amountFen, idempotencyKey });
    if (!order.prepayId) await order.update({ prepayId: await this.prepay(order, user.wechatOpenId) });
    return {
      topUp: { id: order.outTradeNo, amountFen: order.amountFen, status: 'pending', provider: 'wechatpay', createdAt: order.createdAt },
      payment: this.paymentFor(order.prepayId!),
    };
  }

  /** Handles one notification; resolves when it is settled (credited, or recorded as failed), throws when it must be refused. */
  async confirm(message: SignedMessage): Promise<void> {
    this.verify(message);
    const notice = parseJson(notification, message.body, 'notification');
    let opened: string;
    try {
      opened = decryptResource(notice.resource, this.config.apiV3Key);
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'the notification resource was not sealed with our APIv3 key');
    }
    const paid = parseJson(transaction, opened, 'transaction');
    if (paid.appid !== this.config.appId || paid.mchid !== this.config.mchId) throw new DomainError('VALIDATION_FAILED', 'the notification is for another app or merchant');
    const order = await this.options.orders.byOutTradeNo(paid.out_trade_no);
    if (!order) throw new DomainError('NOT_FOUND', `no WeChat Pay order ${paid.out_trade_no}`);
    if (paid.trade_state !== 'SUCCESS') {
      if (FAILED_STATES.includes(paid.trade_state) && order.status === 'pending') await order.update({ status: 'failed' });
      return;
    }
    if (paid.amount.total !== order.amountFen || paid.amount.currency !== 'CNY') {
      throw new DomainError('VALIDATION_FAILED', `order ${order.outTradeNo} is for ${order.amountFen} fen CNY; WeChat Pay reported ${paid.amount.total} ${paid.amount.currency}`);
    }
    await this.options.wallet.creditTopUp({
      userId: order.userId,
      amountFen: order.amountFen,
      provider: 'wechatpay',
      providerRef: paid.transaction_id,
      idempotencyKey: `wechatpay:${order.outTradeNo}`,
    });
    if (order.status !== 'paid') await order.update({ status: 'paid', transactionId: paid.transaction_id });
  }

  private async orderFor(request: TopUpRequest): Promise<WeChatPayOrder> {
    const order = await this.options.orders.placeOnce(request);
    if (order.userId !== request.userId || order.amountFen !== request.amountFen) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key: already used for a different top-up', { field: 'Idempotency-Key' });
    }
    return order;
  }

  private async prepay(order: WeChatPayOrder, openId: string): Promise<string> {
    const pathAndQuery = '/v3/pay/transactions/jsapi';
    const body = JSON.stringify({
      appid: this.config.appId,
      mchid: this.config.mchId,
      description: '钱包充值',
      out_trade_no: order.outTradeNo,
      notify_url: this.config.notifyUrl,
      amount: { total: order.amountFen, currency: 'CNY' },
      payer: { openid: openId },
    });
    const authorization = authorizationHeader(this.config, { method: 'POST', pathAndQuery, body, timestamp: Math.floor(this.now() / 1000), nonceStr: nonce() });
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(pathAndQuery, this.config.apiBase), {
        method: 'POST',
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      text = await response.text();
    } catch {
      throw new DomainError('UPSTREAM_FAILED', 'WeChat Pay did not answer; try again');
    }
    if (!response.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the order (${response.status} ${safeCode(text)})`);
    this.verify({ headers: Object.fromEntries(response.headers), body: text });
    return parseJson(z.object({ prepay_id: z.string().min(1).max(64) }), text, 'prepay answer').prepay_id;
  }

  private paymentFor(prepayId: string): JsapiPayment {
    const timeStamp = String(Math.floor(this.now() / 1000));
    const nonceStr = nonce();
    const pkg = `prepay_id=${prepayId}`;
    return { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: signLines(this.config.privateKeyPem, [this.config.appId, timeStamp, nonceStr, pkg]) };
  }

  /** A message from WeChat Pay (header names in lower case): signed by its public key that we know, and fresh. */
  private verify({ headers, body }: SignedMessage) {
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const timestamp = header('wechatpay-timestamp');
    const nonceStr = header('wechatpay-nonce');
    const signature = header('wechatpay-signature');
    if (!timestamp || !nonceStr || !signature) throw new DomainError('UNAUTHENTICATED', 'the WeChat Pay signature headers are missing');
    if (header('wechatpay-serial') !== this.config.platformPublicKeyId) throw new DomainError('UNAUTHENTICATED', 'signed with a key we do not know');
    if (Math.abs(this.now() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS) throw new DomainError('UNAUTHENTICATED', 'the signature is too old or from the future');
    if (!verifyLines(this.config.platformPublicKeyPem, [timestamp, nonceStr, body], signature)) throw new DomainError('UNAUTHENTICATED', 'the WeChat Pay signature does not verify');
  }
}

function parseJson<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new DomainError('VALIDATION_FAILED', `the ${what} from WeChat Pay is malformed`);
  }
}

/** WeChat Pay's error code from its answer, for the message (never the whole body). */
function safeCode(text: string): string {
  try {
    return String((JSON.parse(text) as { code?: unknown }).code ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
