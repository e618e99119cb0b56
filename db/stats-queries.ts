import { QueryTypes } from 'sequelize';
import type { Granularity, LocalDay } from '../domain/operator-days';
import type { Database } from './database';

/** The sums every rollup row carries (integers: Wh, fen, seconds). */
export interface StatsSums {
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

export const EMPTY_SUMS: StatsSums = { energyWh: 0, sessions: 0, electricityFen: 0, serviceFen: 0, idleFeeFen: 0, totalFen: 0, sessionSeconds: 0, chargingSeconds: 0, availableSeconds: 0 };

const COLUMNS: Record<keyof StatsSums, string> = {
  energyWh: 'energy_wh',
  sessions: 'sessions',
  electricityFen: 'electricity_fen',
  serviceFen: 'service_fen',
  idleFeeFen: 'idle_fee_fen',
  totalFen: 'total_fen',
  sessionSeconds: 'session_seconds',
  chargingSeconds: 'charging_seconds',
  availableSeconds: 'available_seconds',
};
const SELECT_SUMS = Object.entries(COLUMNS)
  .map(([name, column]) => `COALESCE(SUM(r.${column}), 0) AS ${name}`)
  .join(', ');

export interface StatsRange {
  from: LocalDay;
  to: LocalDay;
  stationId?: string;
}

export type PeriodSums = StatsSums & { period: string };
export type StationSums = StatsSums & { stationId: string; stationName: string | null };
export type PileSums = StatsSums & { pileId: string; pileCode: string | null; stationId: string };

export interface DriverCounts {
  newDrivers: number;
  activeDrivers: number;
}

/** MariaDB hands SUM and COUNT back as DECIMAL strings; every figure here is a whole number. */
const toSums = <T extends object>(row: Record<string, unknown>, keep: (keyof T & string)[]): T => {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(COLUMNS)) out[name] = Number(row[name] ?? 0);
  for (const name of keep) out[name] = row[name] ?? null;
  return out as T;
};

/**
 * Reads the dashboards' rollups (db/stats-rollups.ts): sums per period, station or pile over a range of local days,
 * grouped in the database. Station-level figures come from the per-station table, pile-level ones from the per-pile.
 */
export class StatsQueries {
  constructor(private readonly db: Database) {}

  private query<T extends object>(sql: string, range: StatsRange): Promise<T[]> {
    return this.db.sequelize.query<T>(sql, { replacements: { from: range.from, to: range.to, stationId: range.stationId ?? null }, type: QueryTypes.SELECT });
  }

  private static where(range: StatsRange) {
    return `r.day BETWEEN :from AND :to${range.stationId ? ' AND r.station_id = :stationId' : ''}`;
  }

  private static periodOf(granularity: Granularity) {
    return granularity === 'day' ? 'r.day' : 'SUBSTR(r.day, 1, 7)';
  }

  async byPeriod(range: StatsRange, granularity: Granularity): Promise<PeriodSums[]> {
    const period = StatsQueries.periodOf(granularity);
    const rows = await this.query<Record<string, unknown>>(
      `SELECT ${period} AS period, ${SELECT_SUMS} FROM stats_station_days r WHERE ${StatsQueries.where(range)} GROUP BY ${period} ORDER BY period`,
      range,
    );
    return rows.map((row) => toSums<PeriodSums>(row, ['period']));
  }

  async totals(range: StatsRange): Promise<StatsSums> {
    const [row] = await this.query<Record<string, unknown>>(`SELECT ${SELECT_SUMS} FROM stats_station_days r WHERE ${StatsQueries.where(range)}`, range);
    return toSums<StatsSums>(row ?? {}, []);
  }

  async byStation(range: StatsRange): Promise<StationSums[]> {
    const rows = await this.query<Record<string, unknown>>(
      `SELECT r.station_id AS stationId, MAX(st.name) AS stationName, ${SELECT_SUMS}
       FROM stats_station_days r LEFT JOIN stations st ON st.id = r.station_id
       WHERE ${StatsQueries.where(range)} GROUP BY r.station_id ORDER BY r.station_id`,
      range,
    );
    return rows.map((row) => toSums<StationSums>(row, ['stationId', 'stationName']));
  }

  async byPile(range: StatsRange): Promise<PileSums[]> {
    const rows = await this.query<Record<string, unknown>>(
      `SELECT r.pile_id AS pileId, MAX(p.code) AS pileCode, r.station_id AS stationId, ${SELECT_SUMS}
       FROM stats_pile_days r LEFT JOIN piles p ON p.id = r.pile_id
       WHERE ${StatsQueries.where(range)} GROUP BY r.pile_id, r.station_id ORDER BY r.station_id, r.pile_id`,
      range,
    );
    return rows.map((row) => toSums<PileSums>(row, ['pileId', 'pileCode', 'stationId']));
  }

  /**
   * New drivers (registered in the period, the whole network: a registration belongs to no station) and active
   * drivers (with an order settled in the period, at the station when one is given), per period.
   */
  async driversByPeriod(range: StatsRange, granularity: Granularity): Promise<(DriverCounts & { period: string })[]> {
    const period = StatsQueries.periodOf(granularity);
    const [active, fresh] = await Promise.all([
      this.query<{ period: string; n: unknown }>(
        `SELECT ${period} AS period, COUNT(DISTINCT r.user_id) AS n FROM stats_active_drivers r WHERE ${StatsQueries.where(range)} GROUP BY ${period}`,
        range,
      ),
      this.query<{ period: string; n: unknown }>(`SELECT ${period} AS period, SUM(r.new_drivers) AS n FROM stats_driver_days r WHERE r.day BETWEEN :from AND :to GROUP BY ${period}`, range),
    ]);
    const periods = new Map<string, DriverCounts>();
    const at = (p: string) => periods.get(p) ?? periods.set(p, { newDrivers: 0, activeDrivers: 0 }).get(p)!;
    for (const row of active) at(row.period).activeDrivers = Number(row.n);
    for (const row of fresh) at(row.period).newDrivers = Number(row.n ?? 0);
    return [...periods].map(([p, counts]) => ({ period: p, ...counts })).sort((a, b) => a.period.localeCompare(b.period));
  }

  /** Drivers over the whole range: an active driver counts once however many days they charged. */
  async driverTotals(range: StatsRange): Promise<DriverCounts> {
    const [[active], [fresh]] = await Promise.all([
      this.query<{ n: unknown }>(`SELECT COUNT(DISTINCT r.user_id) AS n FROM stats_active_drivers r WHERE ${StatsQueries.where(range)}`, range),
      this.query<{ n: unknown }>(`SELECT SUM(r.new_drivers) AS n FROM stats_driver_days r WHERE r.day BETWEEN :from AND :to`, range),
    ]);
    return { activeDrivers: Number(active?.n ?? 0), newDrivers: Number(fresh?.n ?? 0) };
  }
}
