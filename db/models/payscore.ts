import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { PayscoreState } from '../../domain/payscore';
import type { PayscoreAuthorizationState } from '../../domain/payscore-authorization';
import { id36, tableOptions, timestamp } from './columns';
import type { RefundStatus } from './wallet';

/** A session's WeChat Pay Score service order (migration 0015): one per session, known to WeChat Pay by out_order_no. */
class PayscoreOrderRow extends Model<InferAttributes<PayscoreOrderRow>, InferCreationAttributes<PayscoreOrderRow>> {
  declare sessionId: string;
  declare outOrderNo: string;
  declare userId: string;
  declare state: PayscoreState;
  /** The risk amount (risk_fund): the session's pre-authorization. */
  declare riskFen: number;
  /** What the order was completed with (the captured bill). */
  declare totalFen: number | null;
  /** WeChat Pay's order_id. */
  declare orderId: string | null;
  /** The payment WeChat Pay collected (refunds are made against it). */
  declare transactionId: string | null;
  declare declineReason: string | null;
  declare paidAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type PayscoreOrder = PayscoreOrderRow;

/** Part of a Payscore-paid order given back to WeChat Pay after staff's review: at most one per session. */
class PayscoreRefundRow extends Model<InferAttributes<PayscoreRefundRow>, InferCreationAttributes<PayscoreRefundRow>> {
  declare outRefundNo: string;
  declare sessionId: string;
  declare userId: string;
  declare amountFen: number;
  declare status: RefundStatus;
  declare providerRefundId: string | null;
  declare settledAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type PayscoreRefund = PayscoreRefundRow;

/** Whether a driver enabled WeChat Pay Score for our service (migration 0016): one row per driver who asked or was asked about. */
class PayscoreAuthorizationRow extends Model<InferAttributes<PayscoreAuthorizationRow>, InferCreationAttributes<PayscoreAuthorizationRow>> {
  declare userId: string;
  /** Ours for the driver (authorization_code), fixed once: WeChat Pay's notifications name the driver by it. */
  declare authorizationCode: string;
  declare state: PayscoreAuthorizationState;
  /** As of when the state is true (a notification's time, or when WeChat Pay answered a query); null: never told. */
  declare stateAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type PayscoreAuthorization = PayscoreAuthorizationRow;

export function definePayscoreModels(sequelize: Sequelize) {
  class PayscoreOrder extends PayscoreOrderRow {}
  PayscoreOrder.init(
    {
      sessionId: { type: DataTypes.STRING(36), primaryKey: true },
      outOrderNo: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      userId: id36(),
      state: { type: DataTypes.STRING(16), allowNull: false },
      riskFen: { type: DataTypes.INTEGER, allowNull: false },
      totalFen: { type: DataTypes.INTEGER, allowNull: true },
      orderId: { type: DataTypes.STRING(64), allowNull: true },
      transactionId: { type: DataTypes.STRING(64), allowNull: true },
      declineReason: { type: DataTypes.STRING(200), allowNull: true },
      paidAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'payscore_orders', indexes: [{ fields: ['state', 'created_at'] }] },
  );
  class PayscoreRefund extends PayscoreRefundRow {}
  PayscoreRefund.init(
    {
      outRefundNo: { type: DataTypes.STRING(64), primaryKey: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      userId: id36(),
      amountFen: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      providerRefundId: { type: DataTypes.STRING(64), allowNull: true },
      settledAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'payscore_refunds' },
  );
  class PayscoreAuthorization extends PayscoreAuthorizationRow {}
  PayscoreAuthorization.init(
    {
      userId: { type: DataTypes.STRING(36), primaryKey: true },
      authorizationCode: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      state: { type: DataTypes.STRING(16), allowNull: false },
      stateAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'payscore_authorizations' },
  );
  return { PayscoreOrder, PayscoreRefund, PayscoreAuthorization };
}
