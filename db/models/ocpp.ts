import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { tableOptions, timestamp } from './columns';

/** An OCPP transaction a charger started for a session (migration 0012); its id is the charger's transactionId. */
class OcppTransactionRow extends Model<InferAttributes<OcppTransactionRow>, InferCreationAttributes<OcppTransactionRow>> {
  declare transactionId: CreationOptional<number>;
  declare pileId: string;
  declare sessionId: string;
  declare connectorId: number;
  declare idTag: string;
  declare meterStartWh: number;
  declare startedAt: Date;
  declare meterStopWh: CreationOptional<number | null>;
  declare stoppedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type OcppTransactionEntry = OcppTransactionRow;

/** A station's stored power cap (migration 0017): shared between its OCPP chargers, applied again when one boots. */
class StationPowerCapRow extends Model<InferAttributes<StationPowerCapRow>, InferCreationAttributes<StationPowerCapRow>> {
  declare stationId: string;
  declare capW: number;
  declare reason: string;
  declare setById: string;
  declare setByName: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type StationPowerCapEntry = StationPowerCapRow;

/** Whether a tapped card may start a session: `blocked` cards are refused (lost, stolen, unpaid). */
export const ID_TAG_STATUSES = ['active', 'blocked'] as const;
export type IdTagStatus = (typeof ID_TAG_STATUSES)[number];

/** An RFID card's id tag mapped to its driver (migration 0019). */
class IdTagRow extends Model<InferAttributes<IdTagRow>, InferCreationAttributes<IdTagRow>> {
  declare idTag: string;
  declare userId: string;
  declare status: IdTagStatus;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type IdTagEntry = IdTagRow;

export function defineOcppModels(sequelize: Sequelize) {
  class OcppTransaction extends OcppTransactionRow {}
  OcppTransaction.init(
    {
      transactionId: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      sessionId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      connectorId: { type: DataTypes.INTEGER, allowNull: false },
      idTag: { type: DataTypes.STRING(20), allowNull: false },
      meterStartWh: { type: DataTypes.INTEGER, allowNull: false },
      startedAt: timestamp(),
      meterStopWh: { type: DataTypes.INTEGER, allowNull: true },
      stoppedAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'ocpp_transactions' },
  );
  class StationPowerCap extends StationPowerCapRow {}
  StationPowerCap.init(
    {
      stationId: { type: DataTypes.STRING(64), primaryKey: true },
      capW: { type: DataTypes.INTEGER, allowNull: false },
      reason: { type: DataTypes.STRING(500), allowNull: false },
      setById: { type: DataTypes.STRING(36), allowNull: false },
      setByName: { type: DataTypes.STRING(100), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'station_power_caps' },
  );
  class IdTag extends IdTagRow {}
  IdTag.init(
    {
      idTag: { type: DataTypes.STRING(20), primaryKey: true },
      userId: { type: DataTypes.STRING(36), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'id_tags', indexes: [{ fields: ['user_id'] }] },
  );
  return { OcppTransaction, StationPowerCap, IdTag };
}
