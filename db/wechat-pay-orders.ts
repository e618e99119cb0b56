import { randomBytes } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import type { Database } from './database';
import type { WeChatPayOrder } from './models';

/** The wallet credit of a paid order is keyed by its out_trade_no: credited once, and found again from the journal. */
export const WECHAT_PAY_TOP_UP_KEY_PREFIX = 'wechatpay:';
export const topUpKeyOf = (outTradeNo: string) => `${WECHAT_PAY_TOP_UP_KEY_PREFIX}${outTradeNo}`;

/** WeChat Pay top-up orders, one per idempotency key (unique), found again by our out_trade_no. */
export class WeChatPayOrders {
  constructor(private readonly db: Database) {}

  byOutTradeNo(outTradeNo: string): Promise<WeChatPayOrder | null> {
    return this.db.models.WeChatPayOrder.findByPk(outTradeNo);
  }

  /** The order placed under this idempotency key, placed now (pending) if there is none; a racing twin finds the winner's. */
  async placeOnce(request: { userId: string; amountFen: number; idempotencyKey: string }): Promise<WeChatPayOrder> {
    const { WeChatPayOrder } = this.db.models;
    const defaults = { outTradeNo: `tu${Date.now().toString(36)}${randomBytes(8).toString('hex')}`, status: 'pending' as const, prepayId: null, transactionId: null, ...request };
    try {
      const [order] = await WeChatPayOrder.findOrCreate({ where: { idempotencyKey: request.idempotencyKey }, defaults });
      return order;
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      return (await WeChatPayOrder.findOne({ where: { idempotencyKey: request.idempotencyKey } }))!;
    }
  }
}
