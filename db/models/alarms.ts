import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { tableOptions, timestamp } from './columns';

/**
 * `meter`: a pile reported a meter reading that is not physically plausible (not billed).
 * `platform`: an alert of the monitoring (Alertmanager), its pile id the alert's subject `alert:<alertname>`.
 */
export const ALARM_KINDS = ['offline', 'fault', 'meter', 'platform'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

class AlarmRow extends Model<InferAttributes<AlarmRow>, InferCreationAttributes<AlarmRow>> {
  declare id: CreationOptional<number>;
  declare pileId: string;
  declare kind: AlarmKind;
  declare code: string;
  declare message: string | null;
  declare raisedAt: Date;
  declare clearedAt: Date | null;
}
export type Alarm = AlarmRow;

export function defineAlarmModels(sequelize: Sequelize) {
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
    },
    { sequelize, ...tableOptions, tableName: 'alarms', timestamps: false },
  );
  return { Alarm };
}
