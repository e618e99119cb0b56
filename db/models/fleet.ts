import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { Tariff } from '../../domain/tariff';
import { tableOptions, timestamp } from './columns';
import { jsonColumn } from './json-column';

class TariffRecordRow extends Model<InferAttributes<TariffRecordRow>, InferCreationAttributes<TariffRecordRow>> {
  declare id: string;
  declare definition: Tariff;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type TariffRecord = TariffRecordRow;

class StationRow extends Model<InferAttributes<StationRow>, InferCreationAttributes<StationRow>> {
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
export type Station = StationRow;

export const PILE_TYPES = ['fast', 'slow'] as const;
export type PileType = (typeof PILE_TYPES)[number];

class PileRow extends Model<InferAttributes<PileRow>, InferCreationAttributes<PileRow>> {
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
export type Pile = PileRow;

/** The catalogue: stations, their piles and the tariffs they charge by. */
export function defineFleetModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class TariffRecord extends TariffRecordRow {}
  TariffRecord.init(
    { id: { type: DataTypes.STRING(64), primaryKey: true }, definition: jsonColumn<Tariff>('definition'), createdAt: timestamp(), updatedAt: timestamp() },
    { ...common, tableName: 'tariffs' },
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
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'piles' },
  );
  Pile.belongsTo(Station, { foreignKey: 'stationId', as: 'station' });
  Station.hasMany(Pile, { foreignKey: 'stationId', as: 'piles' });
  Station.belongsTo(TariffRecord, { foreignKey: 'tariffId', as: 'tariff' });
  return { TariffRecord, Station, Pile };
}
