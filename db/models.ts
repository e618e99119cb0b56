import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';
import type { Bill } from '../domain/billing';
import type { SessionStatus, EndReason } from '../domain/session-state';
import type { DriverLimits } from '../domain/stop-conditions';
import type { Tariff } from '../domain/tariff';
import { jsonColumn } from './json-column';

export const ROLES = ['driver', 'operator', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: string;
  declare name: string;
  declare role: Role;
  declare wechatOpenId: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Wallet extends Model<InferAttributes<Wallet>, InferCreationAttributes<Wallet>> {
  declare userId: string;
  /** Spendable balance, fen. */
  declare balanceFen: number;
  /** Pre-authorized for open sessions, fen; not spendable until captured or released. */
  declare heldFen: number;
  declare updatedAt: CreationOptional<Date>;
}

export const WALLET_ENTRY_KINDS = ['top_up', 'hold', 'capture', 'release'] as const;
export type WalletEntryKind = (typeof WALLET_ENTRY_KINDS)[number];

export class WalletTransaction extends Model<InferAttributes<WalletTransaction>, InferCreationAttributes<WalletTransaction>> {
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

export const TOP_UP_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export class TopUp extends Model<InferAttributes<TopUp>, InferCreationAttributes<TopUp>> {
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

export const HOLD_STATUSES = ['held', 'captured', 'released'] as const;

export class PaymentHold extends Model<InferAttributes<PaymentHold>, InferCreationAttributes<PaymentHold>> {
  declare sessionId: string;
  declare userId: string;
  declare amountFen: number;
  declare status: (typeof HOLD_STATUSES)[number];
  declare capturedFen: number;
  declare releasedFen: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class TariffRecord extends Model<InferAttributes<TariffRecord>, InferCreationAttributes<TariffRecord>> {
  declare id: string;
  declare definition: Tariff;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Station extends Model<InferAttributes<Station>, InferCreationAttributes<Station>> {
  declare id: string;
  declare name: string;
  declare address: string;
  declare lat: number;
  declare lng: number;
  declare openingHours: string;
  declare tariffId: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const PILE_TYPES = ['fast', 'slow'] as const;
export type PileType = (typeof PILE_TYPES)[number];

export class Pile extends Model<InferAttributes<Pile>, InferCreationAttributes<Pile>> {
  declare id: string;
  /** What the QR code on the pile encodes. */
  declare code: string;
  declare stationId: string;
  declare type: PileType;
  declare maxPowerW: number;
  declare connectorType: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** At most one row per pile: the primary key is the one-session-per-pile guarantee. */
export class PileClaim extends Model<InferAttributes<PileClaim>, InferCreationAttributes<PileClaim>> {
  declare pileId: string;
  declare sessionId: string;
  declare createdAt: CreationOptional<Date>;
}

export class ChargingSession extends Model<InferAttributes<ChargingSession>, InferCreationAttributes<ChargingSession>> {
  declare id: string;
  declare userId: string;
  declare pileId: string;
  declare stationId: string;
  declare status: SessionStatus;
  /** Sequence number of the transition that wrote `status`; a stale retried write never overwrites a newer one. */
  declare statusSeq: number;
  declare workflowId: string;
  declare limits: DriverLimits;
  declare tariff: Tariff;
  declare reservedUntil: Date | null;
  declare heldFen: number | null;
  declare meterStartWh: number | null;
  declare meterStopWh: number | null;
  declare energyWh: number | null;
  declare startedAt: Date | null;
  declare stoppedAt: Date | null;
  declare endedAt: Date | null;
  declare endReason: EndReason | null;
  declare needsReview: CreationOptional<boolean>;
  declare reviewReason: string | null;
  declare bill: Bill | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** Which session a driver's Idempotency-Key named: a retried request returns that session, never a new one. */
export class SessionRequestKey extends Model<InferAttributes<SessionRequestKey>, InferCreationAttributes<SessionRequestKey>> {
  declare userId: string;
  declare idempotencyKey: string;
  declare sessionId: string;
  declare createdAt: CreationOptional<Date>;
}

export class SessionEvent extends Model<InferAttributes<SessionEvent>, InferCreationAttributes<SessionEvent>> {
  declare id: CreationOptional<number>;
  declare sessionId: string;
  /** Position in the session's history; unique with the session, so a retried write is a no-op. */
  declare seq: number;
  declare fromStatus: SessionStatus | null;
  declare toStatus: SessionStatus;
  declare reason: string | null;
  declare detail: Record<string, unknown> | null;
  declare at: Date;
}

export class Order extends Model<InferAttributes<Order>, InferCreationAttributes<Order>> {
  declare id: string;
  declare sessionId: string;
  declare userId: string;
  declare stationId: string;
  declare pileId: string;
  declare energyWh: number;
  declare totalFen: number;
  declare capturedFen: number;
  declare releasedFen: number;
  declare uncollectedFen: number;
  declare bill: Bill;
  declare createdAt: CreationOptional<Date>;
}

export const ALARM_KINDS = ['offline', 'fault'] as const;

export class Alarm extends Model<InferAttributes<Alarm>, InferCreationAttributes<Alarm>> {
  declare id: CreationOptional<number>;
  declare pileId: string;
  declare kind: (typeof ALARM_KINDS)[number];
  declare code: string;
  declare message: string | null;
  declare raisedAt: Date;
  declare clearedAt: Date | null;
}

const money = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
const timestamp = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export function initModels(sequelize: Sequelize) {
  const common = { sequelize, underscored: true };
  User.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      name: { type: DataTypes.STRING(100), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      wechatOpenId: { type: DataTypes.STRING(64), allowNull: true, unique: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'users' },
  );
  Wallet.init(
    { userId: { type: DataTypes.STRING(36), primaryKey: true }, balanceFen: money(), heldFen: money(), updatedAt: timestamp() },
    { ...common, tableName: 'wallets', createdAt: false },
  );
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
  TariffRecord.init(
    { id: { type: DataTypes.STRING(64), primaryKey: true }, definition: jsonColumn<Tariff>('definition'), createdAt: timestamp(), updatedAt: timestamp() },
    { ...common, tableName: 'tariffs' },
  );
  Station.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      address: { type: DataTypes.STRING(500), allowNull: false },
      lat: { type: DataTypes.DOUBLE, allowNull: false },
      lng: { type: DataTypes.DOUBLE, allowNull: false },
      openingHours: { type: DataTypes.STRING(100), allowNull: false },
      tariffId: { type: DataTypes.STRING(64), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'stations' },
  );
  Pile.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      code: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      stationId: { type: DataTypes.STRING(64), allowNull: false },
      type: { type: DataTypes.STRING(8), allowNull: false },
      maxPowerW: { type: DataTypes.INTEGER, allowNull: false },
      connectorType: { type: DataTypes.STRING(32), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'piles' },
  );
  PileClaim.init(
    {
      pileId: { type: DataTypes.STRING(64), primaryKey: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'pile_claims', updatedAt: false },
  );
  ChargingSession.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      userId: { type: DataTypes.STRING(36), allowNull: false },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      stationId: { type: DataTypes.STRING(64), allowNull: false },
      status: { type: DataTypes.STRING(24), allowNull: false },
      statusSeq: { type: DataTypes.INTEGER, allowNull: false },
      workflowId: { type: DataTypes.STRING(100), allowNull: false },
      limits: jsonColumn<DriverLimits>('limits'),
      tariff: jsonColumn<Tariff>('tariff'),
      reservedUntil: timestamp(true),
      heldFen: { type: DataTypes.INTEGER, allowNull: true },
      meterStartWh: { type: DataTypes.INTEGER, allowNull: true },
      meterStopWh: { type: DataTypes.INTEGER, allowNull: true },
      energyWh: { type: DataTypes.INTEGER, allowNull: true },
      startedAt: timestamp(true),
      stoppedAt: timestamp(true),
      endedAt: timestamp(true),
      endReason: { type: DataTypes.STRING(40), allowNull: true },
      needsReview: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      reviewReason: { type: DataTypes.STRING(200), allowNull: true },
      bill: jsonColumn<Bill>('bill', { allowNull: true }),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'charging_sessions' },
  );
  SessionRequestKey.init(
    {
      userId: { type: DataTypes.STRING(36), primaryKey: true },
      idempotencyKey: { type: DataTypes.STRING(100), primaryKey: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'session_request_keys', updatedAt: false },
  );
  SessionEvent.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      fromStatus: { type: DataTypes.STRING(24), allowNull: true },
      toStatus: { type: DataTypes.STRING(24), allowNull: false },
      reason: { type: DataTypes.STRING(200), allowNull: true },
      detail: jsonColumn<Record<string, unknown>>('detail', { allowNull: true }),
      at: timestamp(),
    },
    { ...common, tableName: 'session_events', timestamps: false },
  );
  Order.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      userId: { type: DataTypes.STRING(36), allowNull: false },
      stationId: { type: DataTypes.STRING(64), allowNull: false },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      energyWh: { type: DataTypes.INTEGER, allowNull: false },
      totalFen: money(),
      capturedFen: money(),
      releasedFen: money(),
      uncollectedFen: money(),
      bill: jsonColumn<Bill>('bill'),
      createdAt: timestamp(),
    },
    { ...common, tableName: 'orders', updatedAt: false },
  );
  Alarm.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      code: { type: DataTypes.STRING(64), allowNull: false },
      message: { type: DataTypes.STRING(500), allowNull: true },
      raisedAt: timestamp(),
      clearedAt: timestamp(true),
    },
    { ...common, tableName: 'alarms', timestamps: false },
  );
  Pile.belongsTo(Station, { foreignKey: 'stationId', as: 'station' });
  Station.hasMany(Pile, { foreignKey: 'stationId', as: 'piles' });
  Station.belongsTo(TariffRecord, { foreignKey: 'tariffId', as: 'tariff' });
  initDriverModels(sequelize);
}

// ── driver features: favourites, vehicles, reviews, complaints and suggestions ───────────────────

export class FavouriteStation extends Model<InferAttributes<FavouriteStation>, InferCreationAttributes<FavouriteStation>> {
  declare userId: string;
  declare stationId: string;
  declare createdAt: CreationOptional<Date>;
}

export const CONNECTOR_TYPES = ['GB/T', 'CCS1', 'CCS2', 'Type 2', 'CHAdeMO', 'NACS'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export class Vehicle extends Model<InferAttributes<Vehicle>, InferCreationAttributes<Vehicle>> {
  declare id: string;
  declare userId: string;
  declare plate: string;
  declare model: string;
  declare connectorType: ConnectorType;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** A driver's rating of one of their completed sessions; the unique session id makes it one per session. */
export class Review extends Model<InferAttributes<Review>, InferCreationAttributes<Review>> {
  declare id: string;
  declare sessionId: string;
  declare userId: string;
  declare stationId: string;
  declare stars: number;
  declare text: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const FEEDBACK_KINDS = ['complaint', 'suggestion'] as const;
export const FEEDBACK_STATUSES = ['open', 'replied', 'closed'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export class Feedback extends Model<InferAttributes<Feedback>, InferCreationAttributes<Feedback>> {
  declare id: string;
  declare userId: string;
  declare kind: (typeof FEEDBACK_KINDS)[number];
  declare status: FeedbackStatus;
  declare content: string;
  declare stationId: string | null;
  declare sessionId: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class FeedbackReply extends Model<InferAttributes<FeedbackReply>, InferCreationAttributes<FeedbackReply>> {
  declare id: CreationOptional<number>;
  declare feedbackId: string;
  declare authorId: string;
  declare authorRole: Role;
  declare content: string;
  declare createdAt: CreationOptional<Date>;
}

export const WECHAT_PAY_ORDER_STATUSES = ['pending', 'paid', 'failed'] as const;

/** A WeChat Pay top-up from prepay to the notification that confirms it; the wallet is credited once, keyed by out_trade_no. */
export class WeChatPayOrder extends Model<InferAttributes<WeChatPayOrder>, InferCreationAttributes<WeChatPayOrder>> {
  declare outTradeNo: string;
  declare userId: string;
  declare amountFen: number;
  declare status: (typeof WECHAT_PAY_ORDER_STATUSES)[number];
  declare prepayId: string | null;
  declare transactionId: string | null;
  declare idempotencyKey: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

function initDriverModels(sequelize: Sequelize) {
  const common = { sequelize, underscored: true };
  // A fresh object per column: Sequelize writes into the definitions it is given.
  const id36 = () => ({ type: DataTypes.STRING(36), allowNull: false });
  FavouriteStation.init(
    { userId: { ...id36(), primaryKey: true }, stationId: { type: DataTypes.STRING(64), primaryKey: true }, createdAt: timestamp() },
    { ...common, tableName: 'favourite_stations', updatedAt: false },
  );
  Vehicle.init(
    {
      id: { ...id36(), primaryKey: true },
      userId: id36(),
      plate: { type: DataTypes.STRING(16), allowNull: false },
      model: { type: DataTypes.STRING(100), allowNull: false },
      connectorType: { type: DataTypes.STRING(16), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'vehicles' },
  );
  Review.init(
    {
      id: { ...id36(), primaryKey: true },
      sessionId: { ...id36(), unique: true },
      userId: id36(),
      stationId: { type: DataTypes.STRING(64), allowNull: false },
      stars: { type: DataTypes.INTEGER, allowNull: false },
      text: { type: DataTypes.STRING(500), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'reviews' },
  );
  Feedback.init(
    {
      id: { ...id36(), primaryKey: true },
      userId: id36(),
      kind: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      content: { type: DataTypes.STRING(1000), allowNull: false },
      stationId: { type: DataTypes.STRING(64), allowNull: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'feedback' },
  );
  FeedbackReply.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      feedbackId: id36(),
      authorId: id36(),
      authorRole: { type: DataTypes.STRING(16), allowNull: false },
      content: { type: DataTypes.STRING(1000), allowNull: false },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'feedback_replies', updatedAt: false },
  );
  Feedback.hasMany(FeedbackReply, { foreignKey: 'feedbackId', as: 'replies' });
  WeChatPayOrder.init(
    {
      outTradeNo: { type: DataTypes.STRING(32), primaryKey: true },
      userId: id36(),
      amountFen: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      prepayId: { type: DataTypes.STRING(64), allowNull: true },
      transactionId: { type: DataTypes.STRING(32), allowNull: true },
      idempotencyKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'wechat_pay_orders' },
  );
}
