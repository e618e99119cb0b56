import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Dashboards from rollups (issue 12): the operator's calendar, per (local day, station, pile) and per (local day,
 * station) sums of the settled orders and of the piles' time, active drivers per day and new drivers per day; and
 * the piles' availability history the gateway writes (there was no durable record of it).
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
const int = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
const big = () => ({ type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
const day = () => ({ type: DataTypes.STRING(10), allowNull: false, primaryKey: true });
const key = () => ({ type: DataTypes.STRING(64), allowNull: false, primaryKey: true });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('pile_status_changes', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    pile_id: { type: DataTypes.STRING(64), allowNull: false },
    state: { type: DataTypes.STRING(16), allowNull: false },
    available: { type: DataTypes.BOOLEAN, allowNull: false },
    at: at(),
  });
  await qi.addIndex('pile_status_changes', ['pile_id', 'at']);
  await qi.addIndex('pile_status_changes', ['at']);

  await qi.createTable('stats_days', { day: day(), starts_at: at(), ends_at: at() });

  const sums = {
    energy_wh: big(),
    sessions: int(),
    electricity_fen: big(),
    service_fen: big(),
    idle_fee_fen: big(),
    total_fen: big(),
    session_seconds: big(),
    charging_seconds: big(),
    available_seconds: big(),
  };
  await qi.createTable('stats_pile_days', { day: day(), station_id: key(), pile_id: key(), ...sums });
  await qi.addIndex('stats_pile_days', ['station_id', 'day']);
  await qi.createTable('stats_station_days', { day: day(), station_id: key(), piles: int(), ...sums });
  await qi.createTable('stats_active_drivers', { day: day(), station_id: key(), user_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true } });
  await qi.addIndex('stats_active_drivers', ['station_id', 'day']);
  await qi.createTable('stats_driver_days', { day: day(), new_drivers: int() });

  // The rollups read orders by settlement time and sessions by start.
  await qi.addIndex('orders', ['created_at']);
  await qi.addIndex('charging_sessions', ['started_at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('charging_sessions', ['started_at']);
  await qi.removeIndex('orders', ['created_at']);
  for (const table of ['stats_driver_days', 'stats_active_drivers', 'stats_station_days', 'stats_pile_days', 'stats_days', 'pile_status_changes']) await qi.dropTable(table);
}
