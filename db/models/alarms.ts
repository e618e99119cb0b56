import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { AlarmAction, AlarmState } from '../../domain/alarm-rules';
import { tableOptions, timestamp } from './columns';

/**
 * `meter`: a pile reported a meter reading that is not physically plausible (not billed).
 * `platform`: an alert of the monitoring (Alertmanager), its pile id the alert's subject `alert:<alertname>`.
 */
export const ALARM_KINDS = ['offline', 'fault', 'meter', 'platform'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/**
 * One alarm: raised when a pile's condition appears, folding repeated raises (`occurrences`) until a person resolves
 * it or its condition is cleared and quiet (domain/alarm-rules.ts). `openKey` is `<pileId>|<kind>` while unresolved,
 * null after: a unique index keeps one unresolved alarm per pile and kind.
 */
class AlarmRow extends Model<InferAttributes<AlarmRow>, InferCreationAttributes<AlarmRow>> {
  declare id: CreationOptional<number>;
  declare pileId: string;
  declare kind: AlarmKind;
  declare code: string;
  declare message: string | null;
  declare raisedAt: Date;
  declare clearedAt: Date | null;
  declare state: CreationOptional<AlarmState>;
  declare openKey: string | null;
  /** The pile's station; null for platform alarms. */
  declare stationId: CreationOptional<string | null>;
  declare occurrences: CreationOptional<number>;
  declare lastRaisedAt: CreationOptional<Date | null>;
  declare acknowledgedAt: CreationOptional<Date | null>;
  declare acknowledgedBy: CreationOptional<string | null>;
  declare assigneeId: CreationOptional<string | null>;
  declare resolvedAt: CreationOptional<Date | null>;
  declare escalationLevel: CreationOptional<number>;
}
export type Alarm = AlarmRow;

/** One line of an alarm's history; `actor*` null when the platform did it. Rows are only inserted. */
class AlarmEventRow extends Model<InferAttributes<AlarmEventRow>, InferCreationAttributes<AlarmEventRow>> {
  declare id: CreationOptional<number>;
  declare alarmId: number;
  declare at: Date;
  declare action: AlarmAction;
  declare actorId: string | null;
  declare actorName: string | null;
  declare actorRole: string | null;
  declare detail: string | null;
  declare onceKey: CreationOptional<string | null>;
}
export type AlarmEvent = AlarmEventRow;

/** A station's on-call staff, in the order they are told (position 0 first). */
class StationOnCallRow extends Model<InferAttributes<StationOnCallRow>, InferCreationAttributes<StationOnCallRow>> {
  declare stationId: string;
  declare position: number;
  declare staffId: string;
}
export type StationOnCall = StationOnCallRow;

export function defineAlarmModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions, timestamps: false };
  class Alarm extends AlarmRow {}
  Alarm.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      code: { type: DataTypes.STRING(64), allowNull: false },
      message: { type: DataTypes.STRING(500), allowNull: true },
      raisedAt: timestamp(),
      clearedAt: timestamp(true),
      state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      openKey: { type: DataTypes.STRING(100), allowNull: true, unique: true },
      stationId: { type: DataTypes.STRING(64), allowNull: true },
      occurrences: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      lastRaisedAt: timestamp(true),
      acknowledgedAt: timestamp(true),
      acknowledgedBy: { type: DataTypes.STRING(36), allowNull: true },
      assigneeId: { type: DataTypes.STRING(36), allowNull: true },
      resolvedAt: timestamp(true),
      escalationLevel: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { ...common, tableName: 'alarms' },
  );
  class AlarmEvent extends AlarmEventRow {}
  AlarmEvent.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      alarmId: { type: DataTypes.INTEGER, allowNull: false },
      at: timestamp(),
      action: { type: DataTypes.STRING(16), allowNull: false },
      actorId: { type: DataTypes.STRING(36), allowNull: true },
      actorName: { type: DataTypes.STRING(100), allowNull: true },
      actorRole: { type: DataTypes.STRING(16), allowNull: true },
      detail: { type: DataTypes.STRING(1000), allowNull: true },
      onceKey: { type: DataTypes.STRING(100), allowNull: true, unique: true },
    },
    { ...common, tableName: 'alarm_events' },
  );
  class StationOnCall extends StationOnCallRow {}
  StationOnCall.init(
    {
      stationId: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      position: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      staffId: { type: DataTypes.STRING(36), allowNull: false },
    },
    { ...common, tableName: 'station_on_call' },
  );
  return { Alarm, AlarmEvent, StationOnCall };
}
