import { QueryTypes } from 'sequelize';
import { createDatabase } from '../db/database';
import { StatsQueries } from '../db/stats-queries';
import { StatsRollups } from '../db/stats-rollups';
import { startOfLocalDay } from '../domain/operator-days';
import { createBenchDatabase } from './lib/engines';
import type { Flags } from './lib/flags';
import { note, type ScenarioReport } from './lib/report';
import { benchStations, seedStations } from './lib/seed';
import { distribution, formatDistribution, ratio } from './lib/stats';

const GOAL_MS = 200;
const TIME_ZONE = 'Asia/Shanghai';
/** The orders span this year of local days; the report asks for one month of it. */
const YEAR = { from: '2026-01-01', to: '2026-12-31' };
const MONTH = { from: '2026-06-01', to: '2026-06-30' };

async function timed<T>(runs: number, work: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    last = await work();
    ms.push(Number((process.hrtime.bigint() - started) / 1000n) / 1000);
  }
  return { ms, last };
}

/**
 * Scenario: a month's energy per station on 1,000,000 orders and 10,000 piles, from the rollups (what
 * GET /admin/stats/energy?by=station runs) against the same figures summed from the orders table. MariaDB only
 * (its SEQUENCE engine writes the orders in the database); the rollups are backfilled first, and that time reported.
 */
export async function statsRollupScenario(flags: Flags): Promise<ScenarioReport> {
  const orderCount = flags.number('orders', 1_000_000, 20_000);
  const stationCount = flags.number('stations', 1000, 20);
  const pilesPerStation = flags.number('piles-per-station', 10, 5);
  const runs = flags.number('runs', 20, 5);
  const database = await createBenchDatabase();
  const db = createDatabase({ mysqlUrl: database.url, dataDir: '.' });
  try {
    note(`seeding ${stationCount} stations, ${stationCount * pilesPerStation} piles`);
    await seedStations(db, benchStations('stats', stationCount, pilesPerStation));
    const start = startOfLocalDay(YEAR.from, TIME_ZONE);
    const end = startOfLocalDay('2027-01-01', TIME_ZONE);
    const q = (sql: string, replacements: Record<string, unknown> = {}) => db.sequelize.query(sql, { replacements, type: QueryTypes.RAW });
    await q('UPDATE piles SET created_at = :start', { start });
    await q('CREATE TABLE bench_piles (n INT PRIMARY KEY, id VARCHAR(64), station_id VARCHAR(64))');
    await q('INSERT INTO bench_piles SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id, station_id FROM piles');
    const piles = stationCount * pilesPerStation;
    const stepSeconds = (end.getTime() - start.getTime()) / 1000 / orderCount;
    note(`writing ${orderCount} orders over ${YEAR.from} to ${YEAR.to}`);
    const seeding = Date.now();
    for (let first = 1; first <= orderCount; first += 100_000) {
      const last = Math.min(orderCount, first + 99_999);
      await q(
        `INSERT INTO orders (id, session_id, user_id, station_id, pile_id, energy_wh, total_fen, captured_fen, released_fen, uncollected_fen, bill, created_at)
         SELECT CONCAT('o-', seq), CONCAT('s-', seq), CONCAT('u-', seq % 50000), bp.station_id, bp.id, w, e + s, e + s, 0, 0,
                CONCAT('{"energyWh":', w, ',"electricityFen":', e, ',"serviceFen":', s, ',"idleFeeFen":0,"totalFen":', e + s, '}'),
                DATE_ADD(:start, INTERVAL FLOOR(seq * :step) SECOND)
         FROM (SELECT seq, w, FLOOR(w * 0.9) AS e, FLOOR(w * 0.6) AS s FROM (SELECT seq, 1000 + (seq * 7919) % 60000 AS w FROM seq_${first}_to_${last}) x) g
         JOIN bench_piles bp ON bp.n = g.seq % :piles`,
        { start, step: stepSeconds, piles },
      );
    }
    note(`orders written in ${Math.round((Date.now() - seeding) / 1000)} s; backfilling the rollups`);
    const backfillStarted = Date.now();
    await new StatsRollups(db, TIME_ZONE).recompute(YEAR.from, YEAR.to, end);
    const backfillSeconds = Math.round((Date.now() - backfillStarted) / 100) / 10;

    const monthStart = startOfLocalDay(MONTH.from, TIME_ZONE);
    const monthEnd = startOfLocalDay('2026-07-01', TIME_ZONE);
    note(`without the rollup: ${Math.max(3, Math.floor(runs / 4))} runs`);
    const raw = await timed(Math.max(3, Math.floor(runs / 4)), () =>
      db.sequelize.query<{ stationId: string; energyWh: unknown }>(
        'SELECT station_id AS stationId, SUM(energy_wh) AS energyWh FROM orders WHERE created_at >= :from AND created_at < :to GROUP BY station_id',
        { replacements: { from: monthStart, to: monthEnd }, type: QueryTypes.SELECT },
      ),
    );
    note(`with the rollup: ${runs} runs`);
    const queries = new StatsQueries(db);
    const rolled = await timed(runs, () => queries.byStation(MONTH));
    const rawTotal = raw.last.reduce((n, r) => n + Number(r.energyWh), 0);
    const rolledTotal = rolled.last.reduce((n, r) => n + r.energyWh, 0);
    if (rawTotal !== rolledTotal) throw new Error(`the rollup's month (${rolledTotal} Wh) differs from the orders' (${rawTotal} Wh)`);
    const baseline = distribution(raw.ms);
    const ours = distribution(rolled.ms);
    return {
      scenario: 'stats-rollup',
      setup: { orders: orderCount, stations: stationCount, piles, month: MONTH, timeZone: TIME_ZONE, runs, database: 'MariaDB (fresh database)' },
      baseline: { query: 'SUM(orders.energy_wh) GROUP BY station for the month', latency: baseline },
      ours: { query: 'StatsQueries.byStation on stats_station_days', latency: ours, backfillSeconds, stationsAnswered: rolled.last.length },
      ratios: { p50Speedup: ratio(baseline.p50, ours.p50) },
      goals: [{ goal: `a month's per-station energy from the rollup in ≤ ${GOAL_MS} ms p99 (got ${ours.p99} ms)`, met: ours.p99 <= GOAL_MS }],
      summary: [
        `${orderCount} orders, ${stationCount} stations, ${piles} piles; the month has ${rawTotal} Wh at ${rolled.last.length} stations`,
        `baseline, from the orders: ${formatDistribution(baseline)}`,
        `ours, from the rollup:     ${formatDistribution(ours)}`,
        `backfill of the year's rollups: ${backfillSeconds} s`,
      ],
    };
  } finally {
    await db.close();
    await database.drop();
  }
}
