import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { TariffDefinition } from '../../domain/tariff-versions';
import { tableOptions, timestamp } from './columns';
import { jsonColumn } from './json-column';

/** A tariff's identity and name; what it charges is in its versions. */
class TariffRecordRow extends Model<InferAttributes<TariffRecordRow>, InferCreationAttributes<TariffRecordRow>> {
  declare id: string;
  declare name: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type TariffRecord = TariffRecordRow;

/** One version of a tariff, in force from `effectiveFrom` until a later version's (domain/tariff-versions.ts). Never updated. */
class TariffVersionRecordRow extends Model<InferAttributes<TariffVersionRecordRow>, InferCreationAttributes<TariffVersionRecordRow>> {
  declare id: CreationOptional<number>;
  declare tariffId: string;
  declare version: number;
  declare effectiveFrom: Date;
  declare definition: TariffDefinition;
  declare createdAt: CreationOptional<Date>;
  /** The staff member who wrote it; null for versions from seeds and the migration. */
  declare createdById: string | null;
  declare createdByName: string | null;
}
export type TariffVersionRecord = TariffVersionRecordRow;

class StationRow extends Model<InferAttributes<StationRow>, InferCreationAttributes<StationRow>> {
  declare id: string;
  declare name: string;
  declare address: string;
  declare lat: number;
  declare lng: number;
  declare openingHours: string;
  declare tariffId: string;
  /** Set when the station was retired: hidden from drivers, kept for its history. */
  declare retiredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Station = StationRow;

export const PILE_TYPES = ['fast', 'slow'] as const;
export type PileType = (typeof PILE_TYPES)[number];

/** The front door a pile comes through: the MQTT gateway (our protocol) or the OCPP 1.6J central system. */
export const PILE_PROTOCOLS = ['mqtt', 'ocpp1.6'] as const;
export type PileProtocol = (typeof PILE_PROTOCOLS)[number];

class PileRow extends Model<InferAttributes<PileRow>, InferCreationAttributes<PileRow>> {
  declare id: string;
  /** What the QR code on the pile encodes. */
  declare code: string;
  declare stationId: string;
  declare type: PileType;
  declare maxPowerW: number;
  declare connectorType: string;
  declare connectorCount: CreationOptional<number>;
  /** What the pile speaks: our MQTT protocol or OCPP 1.6J (migration 0012). */
  declare protocol: CreationOptional<PileProtocol>;
  /** An OCPP charger's connector: the chargePointId it connects as and its connector number (migration 0017); null for MQTT piles. */
  declare ocppChargerId: CreationOptional<string | null>;
  declare ocppConnectorId: CreationOptional<number | null>;
  /** Set when the pile was retired: it starts no session, its history stays. */
  declare retiredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Pile = PileRow;

/** The catalogue: stations, their piles and the tariffs they charge by. */
export function defineFleetModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class TariffRecord extends TariffRecordRow {}
  TariffRecord.init(
    { id: { type: DataTypes.STRING(64), primaryKey: true }, name: { type: DataTypes.STRING(200), allowNull: false }, createdAt: timestamp(), updatedAt: timestamp() },
    { ...common, tableName: 'tariffs' },
  );
  class TariffVersionRecord extends TariffVersionRecordRow {}
  TariffVersionRecord.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tariffId: { type: DataTypes.STRING(64), allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false },
      effectiveFrom: timestamp(),
      definition: jsonColumn<TariffDefinition>('definition'),
      createdAt: timestamp(),
      createdById: { type: DataTypes.STRING(36), allowNull: true },
      createdByName: { type: DataTypes.STRING(100), allowNull: true },
    },
    {
      ...common,
      tableName: 'tariff_versions',
      updatedAt: false,
      indexes: [{ unique: true, fields: ['tariff_id', 'version'] }, { fields: ['tariff_id', 'effective_from'] }],
    },
  );
  class Station extends StationRow {}
  Station.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      address: { type: DataTypes.STRING(500), allowNull: false },
      lat: { type: DataTypes.DOUBLE, allowNull: false },
      lng: { type: DataTypes.DOUBLE, allowNull: false },
      openingHours: { type: DataTypes.STRING(100), allowNull: false },
      tariffId: { type: DataTypes.STRING(64), allowNull: false },
      retiredAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'stations' },
  );
  class Pile extends PileRow {}
  Pile.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      code: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      stationId: { type: DataTypes.STRING(64), allowNull: false },
      type: { type: DataTypes.STRING(8), allowNull: false },
      maxPowerW: { type: DataTypes.INTEGER, allowNull: false },
      connectorType: { type: DataTypes.STRING(32), allowNull: false },
      connectorCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      protocol: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'mqtt' },
      ocppChargerId: { type: DataTypes.STRING(64), allowNull: true },
      ocppConnectorId: { type: DataTypes.INTEGER, allowNull: true },
      retiredAt: timestamp(true),
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'piles', indexes: [{ unique: true, fields: ['ocpp_charger_id', 'ocpp_connector_id'] }] },
  );
  Pile.belongsTo(Station, { foreignKey: 'stationId', as: 'station' });
  Station.hasMany(Pile, { foreignKey: 'stationId', as: 'piles' });
  Station.belongsTo(TariffRecord, { foreignKey: 'tariffId', as: 'tariff' });
  TariffRecord.hasMany(TariffVersionRecord, { foreignKey: 'tariffId', as: 'versions' });
  return { TariffRecord, TariffVersionRecord, Station, Pile };
}
