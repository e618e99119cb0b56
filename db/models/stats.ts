import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { tableOptions, timestamp } from './columns';

/** A pile's state as the gateway heard it, written when its availability (not offline, not faulted) may have changed. */
class PileStatusChangeRow extends Model<InferAttributes<PileStatusChangeRow>, InferCreationAttributes<PileStatusChangeRow>> {
  declare id: CreationOptional<number>;
  declare pileId: string;
  declare state: string;
  declare available: boolean;
  declare at: Date;
}
export type PileStatusChange = PileStatusChangeRow;

/** One local day of the operator and its UTC window: what the rollups join orders, sessions and piles to. */
class StatsDayRow extends Model<InferAttributes<StatsDayRow>, InferCreationAttributes<StatsDayRow>> {
  declare day: string;
  declare startsAt: Date;
  declare endsAt: Date;
}
export type StatsDay = StatsDayRow;

/** The dashboards' models; the rollup tables themselves are written and read with SQL only (db/stats-rollups.ts). */
export function defineStatsModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions, timestamps: false };
  class PileStatusChange extends PileStatusChangeRow {}
  PileStatusChange.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      state: { type: DataTypes.STRING(16), allowNull: false },
      available: { type: DataTypes.BOOLEAN, allowNull: false },
      at: timestamp(),
    },
    { ...common, tableName: 'pile_status_changes' },
  );
  class StatsDay extends StatsDayRow {}
  StatsDay.init(
    { day: { type: DataTypes.STRING(10), primaryKey: true }, startsAt: timestamp(), endsAt: timestamp() },
    { ...common, tableName: 'stats_days' },
  );
  return { PileStatusChange, StatsDay };
}
