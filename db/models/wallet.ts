import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { id36, money, tableOptions, timestamp } from './columns';

class WalletRow extends Model<InferAttributes<WalletRow>, InferCreationAttributes<WalletRow>> {
  declare userId: string;
  /** Spendable balance, fen. */
  declare balanceFen: number;
  /** Pre-authorized for open sessions, fen; not spendable until captured or released. */
  declare heldFen: number;
  declare updatedAt: CreationOptional<Date>;
}
export type Wallet = WalletRow;

/**
 * `withdrawal`: balance paid back to the driver by refunds; `refund_reversal`: a refund that failed, credited back;
 * `order_refund`: part or all of a settled order given back to the wallet by staff's review.
 */
export const WALLET_ENTRY_KINDS = ['top_up', 'hold', 'capture', 'release', 'withdrawal', 'refund_reversal', 'order_refund'] as const;
export type WalletEntryKind = (typeof WALLET_ENTRY_KINDS)[number];

class WalletTransactionRow extends Model<InferAttributes<WalletTransactionRow>, InferCreationAttributes<WalletTransactionRow>> {
  declare id: CreationOptional<number>;
  declare userId: string;
  declare kind: WalletEntryKind;
  declare amountFen: number;
  declare balanceAfterFen: number;
  declare heldAfterFen: number;
  declare sessionId: string | null;
  declare topUpId: string | null;
  /** Unique: a retried money write finds its own earlier entry instead of writing twice. */
  declare idempotencyKey: string;
  declare createdAt: CreationOptional<Date>;
}
export type WalletTransaction = WalletTransactionRow;

export const TOP_UP_STATUSES = ['pending', 'succeeded', 'failed'] as const;

class TopUpRow extends Model<InferAttributes<TopUpRow>, InferCreationAttributes<TopUpRow>> {
  declare id: string;
  declare userId: string;
  declare amountFen: number;
  declare provider: string;
  declare status: (typeof TOP_UP_STATUSES)[number];
  declare providerRef: string | null;
  declare idempotencyKey: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type TopUp = TopUpRow;

export const HOLD_STATUSES = ['held', 'captured', 'released'] as const;

class PaymentHoldRow extends Model<InferAttributes<PaymentHoldRow>, InferCreationAttributes<PaymentHoldRow>> {
  declare sessionId: string;
  declare userId: string;
  declare amountFen: number;
  declare status: (typeof HOLD_STATUSES)[number];
  declare capturedFen: number;
  declare releasedFen: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type PaymentHold = PaymentHoldRow;

class WithdrawalRow extends Model<InferAttributes<WithdrawalRow>, InferCreationAttributes<WithdrawalRow>> {
  declare id: string;
  declare userId: string;
  declare amountFen: number;
  declare idempotencyKey: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Withdrawal = WithdrawalRow;

/** `processing` until the provider says; `closed`: the provider gave up and the amount went back to the wallet; `abnormal`: support must act. */
export const REFUND_STATUSES = ['processing', 'succeeded', 'closed', 'abnormal'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

class RefundRow extends Model<InferAttributes<RefundRow>, InferCreationAttributes<RefundRow>> {
  /** Ours, unique: the provider refunds once per number however often it is asked. */
  declare outRefundNo: string;
  declare userId: string;
  declare withdrawalId: string | null;
  declare topUpId: string;
  declare provider: string;
  declare amountFen: number;
  declare topUpAmountFen: number;
  declare status: RefundStatus;
  declare providerRefundId: string | null;
  declare settledAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Refund = RefundRow;

/** The prepaid wallet: balances, the ledger, top-ups, the holds of open sessions, withdrawals and their refunds. */
export function defineWalletModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class Wallet extends WalletRow {}
  Wallet.init(
    { userId: { type: DataTypes.STRING(36), primaryKey: true }, balanceFen: money(), heldFen: money(), updatedAt: timestamp() },
    { ...common, tableName: 'wallets', createdAt: false },
  );
  class WalletTransaction extends WalletTransactionRow {}
  WalletTransaction.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      userId: { type: DataTypes.STRING(36), allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      amountFen: money(),
      balanceAfterFen: money(),
      heldAfterFen: money(),
      sessionId: { type: DataTypes.STRING(36), allowNull: true },
      topUpId: { type: DataTypes.STRING(36), allowNull: true },
      idempotencyKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'wallet_transactions', updatedAt: false },
  );
  class TopUp extends TopUpRow {}
  TopUp.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      userId: { type: DataTypes.STRING(36), allowNull: false },
      amountFen: money(),
      provider: { type: DataTypes.STRING(32), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      providerRef: { type: DataTypes.STRING(128), allowNull: true },
      idempotencyKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'top_ups' },
  );
  class PaymentHold extends PaymentHoldRow {}
  PaymentHold.init(
    {
      sessionId: { type: DataTypes.STRING(36), primaryKey: true },
      userId: { type: DataTypes.STRING(36), allowNull: false },
      amountFen: money(),
      status: { type: DataTypes.STRING(16), allowNull: false },
      capturedFen: money(),
      releasedFen: money(),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'payment_holds' },
  );
  class Withdrawal extends WithdrawalRow {}
  Withdrawal.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      userId: id36(),
      amountFen: money(),
      idempotencyKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'withdrawals' },
  );
  class Refund extends RefundRow {}
  Refund.init(
    {
      outRefundNo: { type: DataTypes.STRING(64), primaryKey: true },
      userId: id36(),
      withdrawalId: { type: DataTypes.STRING(36), allowNull: true },
      topUpId: id36(),
      provider: { type: DataTypes.STRING(32), allowNull: false },
      amountFen: money(),
      topUpAmountFen: money(),
      status: { type: DataTypes.STRING(16), allowNull: false },
      providerRefundId: { type: DataTypes.STRING(64), allowNull: true },
      settledAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'refunds' },
  );
  return { Wallet, WalletTransaction, TopUp, PaymentHold, Withdrawal, Refund };
}
