import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { id36, tableOptions, timestamp } from './columns';

export const WECHAT_PAY_ORDER_STATUSES = ['pending', 'paid', 'failed', 'closed'] as const;

/** A WeChat Pay top-up from prepay to the notification that confirms it; the wallet is credited once, keyed by out_trade_no. */
class WeChatPayOrderRow extends Model<InferAttributes<WeChatPayOrderRow>, InferCreationAttributes<WeChatPayOrderRow>> {
  declare outTradeNo: string;
  declare userId: string;
  declare amountFen: number;
  declare status: (typeof WECHAT_PAY_ORDER_STATUSES)[number];
  declare prepayId: string | null;
  declare transactionId: string | null;
  /** When WeChat Pay says the driver paid; the day reconciliation files the payment under. */
  declare paidAt: CreationOptional<Date | null>;
  declare idempotencyKey: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type WeChatPayOrder = WeChatPayOrderRow;

export function defineWeChatPayModels(sequelize: Sequelize) {
  class WeChatPayOrder extends WeChatPayOrderRow {}
  WeChatPayOrder.init(
    {
      outTradeNo: { type: DataTypes.STRING(32), primaryKey: true },
      userId: id36(),
      amountFen: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      prepayId: { type: DataTypes.STRING(64), allowNull: true },
      transactionId: { type: DataTypes.STRING(32), allowNull: true },
      paidAt: timestamp(true),
      idempotencyKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'wechat_pay_orders' },
  );
  return { WeChatPayOrder };
}
