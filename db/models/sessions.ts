import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { Bill } from '../../domain/billing';
import type { PaymentMode } from '../../domain/payscore';
import type { EndReason, SessionStatus } from '../../domain/session-state';
import type { DriverLimits } from '../../domain/stop-conditions';
import type { Tariff } from '../../domain/tariff';
import { money, tableOptions, timestamp } from './columns';
import { jsonColumn } from './json-column';
import type { ReviewState } from './session-reviews';

/** At most one row per pile: the primary key is the one-session-per-pile guarantee. */
class PileClaimRow extends Model<InferAttributes<PileClaimRow>, InferCreationAttributes<PileClaimRow>> {
  declare pileId: string;
  declare sessionId: string;
  declare createdAt: CreationOptional<Date>;
}
export type PileClaim = PileClaimRow;

class ChargingSessionRow extends Model<InferAttributes<ChargingSessionRow>, InferCreationAttributes<ChargingSessionRow>> {
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
  /** Where staff's review stands (migration 0010): null until decided, `resolved` or `escalated`. */
  declare reviewState: CreationOptional<ReviewState | null>;
  declare bill: Bill | null;
  /** How the session pays (migration 0015), recorded when it opens: the wallet's hold or a WeChat Pay Score order. */
  declare paymentMode: PaymentMode;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type ChargingSession = ChargingSessionRow;

class SessionEventRow extends Model<InferAttributes<SessionEventRow>, InferCreationAttributes<SessionEventRow>> {
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
export type SessionEvent = SessionEventRow;

class OrderRow extends Model<InferAttributes<OrderRow>, InferCreationAttributes<OrderRow>> {
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
export type Order = OrderRow;

/** Which session a driver's Idempotency-Key named: a retried request returns that session, never a new one. */
class SessionRequestKeyRow extends Model<InferAttributes<SessionRequestKeyRow>, InferCreationAttributes<SessionRequestKeyRow>> {
  declare userId: string;
  declare idempotencyKey: string;
  declare sessionId: string;
  declare createdAt: CreationOptional<Date>;
}
export type SessionRequestKey = SessionRequestKeyRow;

/** Charging sessions: the pile claim, the record the workflow keeps, its history, and the order settlement writes. */
export function defineSessionModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class PileClaim extends PileClaimRow {}
  PileClaim.init(
    {
      pileId: { type: DataTypes.STRING(64), primaryKey: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'pile_claims', updatedAt: false },
  );
  class ChargingSession extends ChargingSessionRow {}
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
      reviewState: { type: DataTypes.STRING(16), allowNull: true },
      bill: jsonColumn<Bill>('bill', { allowNull: true }),
      paymentMode: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'wallet' },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'charging_sessions' },
  );
  class SessionRequestKey extends SessionRequestKeyRow {}
  SessionRequestKey.init(
    {
      userId: { type: DataTypes.STRING(36), primaryKey: true },
      idempotencyKey: { type: DataTypes.STRING(100), primaryKey: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'session_request_keys', updatedAt: false },
  );
  class SessionEvent extends SessionEventRow {}
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
    { ...common, tableName: 'session_events', timestamps: false, indexes: [{ unique: true, fields: ['session_id', 'seq'] }] },
  );
  class Order extends OrderRow {}
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
  return { PileClaim, ChargingSession, SessionRequestKey, SessionEvent, Order };
}
