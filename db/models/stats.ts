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

/** What every rollup row sums: settled orders' energy, count and revenue split, and the pile's time that day. */
interface RollupSums {
  energyWh: number;
  sessions: number;
  electricityFen: number;
  serviceFen: number;
  idleFeeFen: number;
  totalFen: number;
  sessionSeconds: number;
  chargingSeconds: number;
  availableSeconds: number;
}

class StatsPileDayRow extends Model<InferAttributes<StatsPileDayRow>, InferCreationAttributes<StatsPileDayRow>> implements RollupSums {
  declare day: string;
  declare stationId: string;
  declare pileId: string;
  declare energyWh: number;
  declare sessions: number;
  declare electricityFen: number;
  declare serviceFen: number;
  declare idleFeeFen: number;
  declare totalFen: number;
  declare sessionSeconds: number;
  declare chargingSeconds: number;
  declare availableSeconds: number;
}

class StatsStationDayRow extends Model<InferAttributes<StatsStationDayRow>, InferCreationAttributes<StatsStationDayRow>> implements RollupSums {
  declare day: string;
  declare stationId: string;
  declare piles: number;
  declare energyWh: number;
  declare sessions: number;
  declare electricityFen: number;
  declare serviceFen: number;
  declare idleFeeFen: number;
  declare totalFen: number;
  declare sessionSeconds: number;
  declare chargingSeconds: number;
  declare availableSeconds: number;
}

class StatsActiveDriverRow extends Model<InferAttributes<StatsActiveDriverRow>, InferCreationAttributes<StatsActiveDriverRow>> {
  declare day: string;
  declare stationId: string;
  declare userId: string;
}

class StatsDriverDayRow extends Model<InferAttributes<StatsDriverDayRow>, InferCreationAttributes<StatsDriverDayRow>> {
  declare day: string;
  declare newDrivers: number;
}

/**
 * The dashboards' models. The rollup tables are written and read with SQL (db/stats-rollups.ts, db/stats-queries.ts)
 * so the database does the sums; their models describe them all the same, so the schema test holds them to it.
 */
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
  const dayKey = () => ({ type: DataTypes.STRING(10), allowNull: false, primaryKey: true });
  const idKey = () => ({ type: DataTypes.STRING(64), allowNull: false, primaryKey: true });
  const count = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  const sum = () => ({ type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  const sums = () => ({
    energyWh: sum(),
    sessions: count(),
    electricityFen: sum(),
    serviceFen: sum(),
    idleFeeFen: sum(),
    totalFen: sum(),
    sessionSeconds: sum(),
    chargingSeconds: sum(),
    availableSeconds: sum(),
  });
  class StatsPileDay extends StatsPileDayRow {}
  StatsPileDay.init({ day: dayKey(), stationId: idKey(), pileId: idKey(), ...sums() }, { ...common, tableName: 'stats_pile_days' });
  class StatsStationDay extends StatsStationDayRow {}
  StatsStationDay.init({ day: dayKey(), stationId: idKey(), piles: count(), ...sums() }, { ...common, tableName: 'stats_station_days' });
  class StatsActiveDriver extends StatsActiveDriverRow {}
  StatsActiveDriver.init({ day: dayKey(), stationId: idKey(), userId: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true } }, { ...common, tableName: 'stats_active_drivers' });
  class StatsDriverDay extends StatsDriverDayRow {}
  StatsDriverDay.init({ day: dayKey(), newDrivers: count() }, { ...common, tableName: 'stats_driver_days' });
  return { PileStatusChange, StatsDay, StatsPileDay, StatsStationDay, StatsActiveDriver, StatsDriverDay };
}
