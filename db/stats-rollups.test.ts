import { QueryTypes } from 'sequelize';
import { createHotState } from '../infra/hot-state';
import { createTestDatabase, createTestSqliteDir } from '../test/support/services';
import { type GeneratedFleet, generateSettledSessions } from '../test/support/stats-data';
import { createDatabase, type Database } from './database';
import { StatsQueries } from './stats-queries';
import { StatsRollups } from './stats-rollups';

/**
 * The rollups must reconcile exactly with the orders table. The expected figures are computed here from the orders'
 * own rows, with Asia/Shanghai as the fixed +08:00 it is (no daylight saving), independently of the code under test.
 */
const SHANGHAI = 'Asia/Shanghai';
const shanghaiDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const utc = (iso: string) => new Date(iso);

interface OrderFacts {
  day: string;
  stationId: string;
  pileId: string;
  userId: string;
  energyWh: number;
  electricityFen: number;
  serviceFen: number;
  idleFeeFen: number;
  totalFen: number;
}

async function ordersOf(db: Database): Promise<OrderFacts[]> {
  const orders = await db.models.Order.findAll();
  return orders.map((o) => ({
    day: shanghaiDay(o.createdAt),
    stationId: o.stationId,
    pileId: o.pileId,
    userId: o.userId,
    energyWh: o.energyWh,
    electricityFen: o.bill.electricityFen,
    serviceFen: o.bill.serviceFen,
    idleFeeFen: o.bill.idleFeeFen,
    totalFen: o.totalFen,
  }));
}

function sumBy<K extends string>(orders: OrderFacts[], key: (o: OrderFacts) => K) {
  const out = new Map<K, { energyWh: number; sessions: number; electricityFen: number; serviceFen: number; idleFeeFen: number; totalFen: number }>();
  for (const o of orders) {
    const s = out.get(key(o)) ?? { energyWh: 0, sessions: 0, electricityFen: 0, serviceFen: 0, idleFeeFen: 0, totalFen: 0 };
    s.energyWh += o.energyWh;
    s.sessions += 1;
    s.electricityFen += o.electricityFen;
    s.serviceFen += o.serviceFen;
    s.idleFeeFen += o.idleFeeFen;
    s.totalFen += o.totalFen;
    out.set(key(o), s);
  }
  return out;
}

const pick = ({ energyWh, sessions, electricityFen, serviceFen, idleFeeFen, totalFen }: Record<string, number>) => ({ energyWh, sessions, electricityFen, serviceFen, idleFeeFen, totalFen });

const engines: [string, () => Promise<{ db: Database; drop(): Promise<void> }>][] = [
  [
    'MariaDB',
    async () => {
      const server = await createTestDatabase();
      return { db: createDatabase({ mysqlUrl: server.url, dataDir: '' }), drop: server.drop };
    },
  ],
  [
    'SQLite',
    async () => {
      const dir = await createTestSqliteDir();
      return { db: createDatabase({ dataDir: dir.dir }), drop: dir.drop };
    },
  ],
];

describe.each(engines)('dashboard rollups on %s', (_engine, open) => {
  let db: Database;
  let drop: () => Promise<void>;
  let fleet: GeneratedFleet;
  let orders: OrderFacts[];
  const now = utc('2026-03-20T00:00:00Z');
  const queries = () => new StatsQueries(db);

  beforeAll(async () => {
    ({ db, drop } = await open());
    await db.migrate();
    // Sessions in late January and early March, none in February.
    fleet = await generateSettledSessions(
      { db, hot: createHotState(undefined) },
      {
        windows: [
          { from: utc('2026-01-20T00:00:00Z'), to: utc('2026-01-31T15:00:00Z') },
          { from: utc('2026-03-01T00:00:00Z'), to: utc('2026-03-08T00:00:00Z') },
        ],
        pilesCreatedAt: utc('2026-01-01T00:00:00Z'),
        driversCreatedFrom: utc('2026-01-05T00:00:00Z'),
      },
    );
    await new StatsRollups(db, SHANGHAI).recompute('2026-01-01', '2026-03-19', now);
    orders = await ordersOf(db);
  }, 120_000);
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('generates a few hundred sessions, some across tariff bands and settled past Shanghai midnight', async () => {
    expect(fleet.sessions).toBeGreaterThan(200);
    const raw = await db.models.Order.findAll();
    const sessions = new Map((await db.models.ChargingSession.findAll()).map((s) => [s.id, s]));
    expect(raw.filter((o) => shanghaiDay(sessions.get(o.sessionId)!.startedAt!) !== shanghaiDay(o.createdAt)).length).toBeGreaterThan(5);
    expect(raw.filter((o) => o.createdAt.toISOString().slice(0, 10) !== shanghaiDay(o.createdAt)).length).toBeGreaterThan(5);
    expect(raw.filter((o) => o.bill.lines.length > 1).length).toBeGreaterThan(20);
    expect(raw.filter((o) => o.bill.idleFeeFen > 0).length).toBeGreaterThan(5);
  });

  it("counts each local day's energy, sessions and revenue split exactly as the orders settled that day", async () => {
    const expected = sumBy(orders, (o) => o.day);
    // Every day the piles existed has a row; the days without orders hold zeros.
    const rows = await queries().byPeriod({ from: '2026-01-01', to: '2026-03-19' }, 'day');
    expect(rows).toHaveLength(78);
    const empty = { energyWh: 0, sessions: 0, electricityFen: 0, serviceFen: 0, idleFeeFen: 0, totalFen: 0 };
    for (const row of rows) expect(pick(row as never)).toEqual(expected.get(row.period) ?? empty);
    expect(rows.reduce((n, r) => n + r.sessions, 0)).toBe(orders.length);
    for (const row of rows) expect(row.electricityFen + row.serviceFen + row.idleFeeFen).toBe(row.totalFen);
  });

  it('counts whole months, February with no sessions at all', async () => {
    const expected = sumBy(orders, (o) => o.day.slice(0, 7));
    const rows = await queries().byPeriod({ from: '2026-01-01', to: '2026-03-31' }, 'month');
    expect(rows.map((r) => r.period)).toEqual(['2026-01', '2026-02', '2026-03']);
    const empty = { energyWh: 0, sessions: 0, electricityFen: 0, serviceFen: 0, idleFeeFen: 0, totalFen: 0 };
    for (const row of rows) expect(pick(row as never)).toEqual(expected.get(row.period) ?? empty);
    expect(pick((await queries().totals({ from: '2026-02-01', to: '2026-02-28' })) as never)).toEqual(empty);
    // February's piles stood available and idle all month.
    expect(rows[1]).toMatchObject({ chargingSeconds: 0, availableSeconds: 28 * 86_400 * fleet.pileIds.length });
  });

  it('splits per station and per pile the same sums, and one station alone when asked', async () => {
    const range = { from: '2026-01-01', to: '2026-03-19' };
    const byStation = sumBy(orders, (o) => o.stationId);
    for (const row of await queries().byStation(range)) expect(pick(row as never)).toEqual(byStation.get(row.stationId));
    const byPile = sumBy(orders, (o) => o.pileId);
    for (const row of await queries().byPile(range)) expect(pick(row as never)).toEqual(byPile.get(row.pileId));
    const stationId = fleet.stationIds[1];
    expect(pick((await queries().totals({ ...range, stationId })) as never)).toEqual(byStation.get(stationId));
  });

  it('counts a driver active once per period however often they charged, and new drivers by registration day', async () => {
    const range = { from: '2026-01-01', to: '2026-03-19' };
    const activeByDay = new Map<string, Set<string>>();
    for (const o of orders) activeByDay.set(o.day, (activeByDay.get(o.day) ?? new Set()).add(o.userId));
    const rows = await queries().driversByPeriod(range, 'day');
    for (const row of rows) expect(row.activeDrivers).toBe(activeByDay.get(row.period)?.size ?? 0);
    const users = await db.models.User.findAll({ where: { role: 'driver' } });
    const newByDay = new Map<string, number>();
    for (const u of users) newByDay.set(shanghaiDay(u.createdAt), (newByDay.get(shanghaiDay(u.createdAt)) ?? 0) + 1);
    for (const row of rows) expect(row.newDrivers).toBe(newByDay.get(row.period) ?? 0);
    const totals = await queries().driverTotals(range);
    expect(totals).toEqual({ activeDrivers: new Set(orders.map((o) => o.userId)).size, newDrivers: users.length });
  });

  it("gives a pile's charging time within its available time, which is the whole day when nothing went offline", async () => {
    const rows = await queries().byPile({ from: '2026-01-22', to: '2026-01-22' });
    expect(rows).toHaveLength(fleet.pileIds.length);
    for (const row of rows) {
      expect(row.availableSeconds).toBe(86_400);
      expect(row.chargingSeconds).toBeGreaterThan(0);
      expect(row.chargingSeconds).toBeLessThanOrEqual(86_400);
    }
  });

  it('changes nothing when a day is recomputed again', async () => {
    const before = await queries().byPile({ from: '2026-01-20', to: '2026-03-19' });
    await new StatsRollups(db, SHANGHAI).recompute('2026-01-25', '2026-03-05', now);
    expect(await queries().byPile({ from: '2026-01-20', to: '2026-03-19' })).toEqual(before);
  });

  it('takes the time a pile was offline or faulted out of its available time, up to now on the current day', async () => {
    const pileId = fleet.pileIds[0];
    const { PileStatusChange } = db.models;
    // Local 2026-02-10 (no sessions): offline 02:00-04:30, back, faulted 23:00 into the next day until 01:00.
    await PileStatusChange.bulkCreate([
      { pileId, state: 'offline', available: false, at: utc('2026-02-09T18:00:00Z') },
      { pileId, state: 'idle', available: true, at: utc('2026-02-09T20:30:00Z') },
      { pileId, state: 'faulted', available: false, at: utc('2026-02-10T15:00:00Z') },
      { pileId, state: 'idle', available: true, at: utc('2026-02-10T17:00:00Z') },
      { pileId, state: 'offline', available: false, at: utc('2026-02-11T16:00:00Z') },
    ]);
    // "Now" is local 2026-02-12 06:00, the pile still offline since local 00:00.
    await new StatsRollups(db, SHANGHAI).recompute('2026-02-10', '2026-02-12', utc('2026-02-11T22:00:00Z'));
    const day = async (d: string) => (await queries().byPile({ from: d, to: d })).find((r) => r.pileId === pileId)!.availableSeconds;
    expect(await day('2026-02-10')).toBe(86_400 - 2.5 * 3600 - 3600);
    expect(await day('2026-02-11')).toBe(86_400 - 3600);
    expect(await day('2026-02-12')).toBe(0);
    const other = (await queries().byPile({ from: '2026-02-12', to: '2026-02-12' })).find((r) => r.pileId === fleet.pileIds[1])!;
    expect(other.availableSeconds).toBe(6 * 3600);
  });

  it('counts days in another operator time zone when configured', async () => {
    await new StatsRollups(db, 'UTC').recompute('2026-03-01', '2026-03-07', now);
    const utcDay = (at: Date) => at.toISOString().slice(0, 10);
    const raw = await db.models.Order.findAll();
    const expected = new Map<string, number>();
    for (const o of raw) if (utcDay(o.createdAt) >= '2026-03-01' && utcDay(o.createdAt) <= '2026-03-07') expected.set(utcDay(o.createdAt), (expected.get(utcDay(o.createdAt)) ?? 0) + o.energyWh);
    const rows = await queries().byPeriod({ from: '2026-03-01', to: '2026-03-07' }, 'day');
    expect(new Map(rows.map((r) => [r.period, r.energyWh]))).toEqual(expected);
    const [calendar] = await db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM stats_days WHERE day = '2026-03-01'", { type: QueryTypes.SELECT });
    expect(Number(calendar.n)).toBe(1);
  });
});
