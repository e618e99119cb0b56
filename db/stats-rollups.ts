import { QueryTypes, type Transaction } from 'sequelize';
import { type LocalDay, addDays, dayWindows, localDayOf } from '../domain/operator-days';
import type { Database } from './database';
import { statsSql } from './stats-sql';

/** Days recomputed per transaction: a backfill of years goes month by month, each month all or nothing. */
const DAYS_PER_CHUNK = 31;

const SUMS = ['energy_wh', 'sessions', 'electricity_fen', 'service_fen', 'idle_fee_fen', 'total_fen', 'session_seconds', 'charging_seconds', 'available_seconds'] as const;

/**
 * The dashboards' rollups, recomputed inside the database (INSERT … SELECT, never a row through Node) for a range of
 * the operator's local days. Recomputing a day replaces it whole, so a run repeated or retried changes nothing.
 *
 * What a day holds:
 * - the orders settled in it (by the order's time): energy, sessions, revenue split by the bill into electricity,
 *   service and idle fee, and the sessions' whole durations (for the average session);
 * - the time each pile spent charging in it (sessions cut at the day's edges) and the time it was available: while it
 *   existed (created, not yet retired) and not offline or faulted according to `pile_status_changes` (a pile with no
 *   recorded change counts as available);
 * - the drivers with an order settled in it (per station), and the drivers who registered in it.
 */
export class StatsRollups {
  constructor(
    private readonly db: Database,
    private readonly timeZone: string,
  ) {}

  /** Recomputes the last `days` local days, today included, as of `now`. */
  async recomputeRecent(days: number, now: Date): Promise<{ from: LocalDay; to: LocalDay }> {
    const to = localDayOf(now, this.timeZone);
    const from = addDays(to, -(days - 1));
    await this.recompute(from, to, now);
    return { from, to };
  }

  /** Recomputes every day from `from` to `to` (both included) as of `now`; returns how many days. */
  async recompute(from: LocalDay, to: LocalDay, now: Date): Promise<number> {
    let count = 0;
    for (let start = from; start <= to; start = addDays(start, DAYS_PER_CHUNK)) {
      const end = [addDays(start, DAYS_PER_CHUNK - 1), to].sort()[0];
      await this.db.transaction((transaction) => this.recomputeChunk(start, end, now, transaction));
      count += dayWindows(start, end, this.timeZone).length;
    }
    return count;
  }

  private async recomputeChunk(from: LocalDay, to: LocalDay, now: Date, transaction: Transaction): Promise<void> {
    const { sequelize, models } = this.db;
    await models.StatsDay.bulkCreate(dayWindows(from, to, this.timeZone), { updateOnDuplicate: ['startsAt', 'endsAt'], transaction });
    const run = (sql: string) => sequelize.query(sql, { replacements: { from, to, now }, type: QueryTypes.RAW, transaction });
    for (const table of ['stats_pile_days', 'stats_station_days', 'stats_active_drivers', 'stats_driver_days']) {
      await run(`DELETE FROM ${table} WHERE day BETWEEN :from AND :to`);
    }
    await run(this.pileDaysSql());
    await run(
      `INSERT INTO stats_station_days (day, station_id, piles, ${SUMS.join(', ')})
       SELECT day, station_id, COUNT(*), ${SUMS.map((c) => `SUM(${c})`).join(', ')}
       FROM stats_pile_days WHERE day BETWEEN :from AND :to GROUP BY day, station_id`,
    );
    await run(
      `INSERT INTO stats_active_drivers (day, station_id, user_id)
       SELECT DISTINCT c.day, o.station_id, o.user_id
       FROM stats_days c JOIN orders o ON o.created_at >= c.starts_at AND o.created_at < c.ends_at
       WHERE c.day BETWEEN :from AND :to`,
    );
    await run(
      `INSERT INTO stats_driver_days (day, new_drivers)
       SELECT c.day, COUNT(u.id)
       FROM stats_days c LEFT JOIN users u ON u.role = 'driver' AND u.created_at >= c.starts_at AND u.created_at < c.ends_at
       WHERE c.day BETWEEN :from AND :to GROUP BY c.day`,
    );
  }

  /** One statement: four sources of a pile's day, added up per (day, station, pile). */
  private pileDaysSql(): string {
    const q = statsSql(this.db.sequelize);
    const zeros = (n: number) => Array.from({ length: n }, () => '0').join(', ');
    const sessionEnd = 'COALESCE(s.stopped_at, s.ended_at, :now)';
    return `
      INSERT INTO stats_pile_days (day, station_id, pile_id, ${SUMS.join(', ')})
      SELECT day, station_id, pile_id, ${SUMS.slice(0, -1).map((c) => `SUM(${c})`).join(', ')},
             CASE WHEN SUM(available_seconds) < 0 THEN 0 ELSE SUM(available_seconds) END
      FROM (
        SELECT c.day, o.station_id, o.pile_id, o.energy_wh, 1 AS sessions,
               ${q.jsonInt('o.bill', 'electricityFen')} AS electricity_fen,
               ${q.jsonInt('o.bill', 'serviceFen')} AS service_fen,
               ${q.jsonInt('o.bill', 'idleFeeFen')} AS idle_fee_fen,
               o.total_fen,
               CASE WHEN s.started_at IS NULL THEN 0 ELSE ${q.overlapSeconds(['s.started_at'], [sessionEnd])} END AS session_seconds,
               0 AS charging_seconds, 0 AS available_seconds
        FROM stats_days c
        JOIN orders o ON o.created_at >= c.starts_at AND o.created_at < c.ends_at
        LEFT JOIN charging_sessions s ON s.id = o.session_id
        WHERE c.day BETWEEN :from AND :to
        UNION ALL
        SELECT c.day, s.station_id, s.pile_id, ${zeros(7)},
               ${q.overlapSeconds(['s.started_at', 'c.starts_at'], [sessionEnd, 'c.ends_at', ':now'])}, 0
        FROM stats_days c
        JOIN charging_sessions s ON s.started_at < c.ends_at AND ${sessionEnd} > c.starts_at
        WHERE c.day BETWEEN :from AND :to AND s.started_at IS NOT NULL
        UNION ALL
        SELECT c.day, p.station_id, p.id, ${zeros(8)},
               ${q.overlapSeconds(['p.created_at', 'c.starts_at'], ['COALESCE(p.retired_at, c.ends_at)', 'c.ends_at', ':now'])}
        FROM stats_days c
        JOIN piles p ON p.created_at < c.ends_at AND (p.retired_at IS NULL OR p.retired_at > c.starts_at)
        WHERE c.day BETWEEN :from AND :to
        UNION ALL
        SELECT c.day, p.station_id, p.id, ${zeros(8)},
               -(${q.overlapSeconds(['u.at', 'c.starts_at', 'p.created_at'], ['COALESCE(u.until, :now)', 'c.ends_at', ':now', 'COALESCE(p.retired_at, c.ends_at)'])})
        FROM (
          SELECT pile_id, at, available, LEAD(at) OVER (PARTITION BY pile_id ORDER BY at, id) AS until FROM pile_status_changes
        ) u
        JOIN piles p ON p.id = u.pile_id
        JOIN stats_days c ON u.at < c.ends_at AND (u.until IS NULL OR u.until > c.starts_at)
        WHERE c.day BETWEEN :from AND :to AND u.available = 0
      ) parts
      GROUP BY day, station_id, pile_id`;
  }
}
