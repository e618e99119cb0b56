import { StatsQueries } from '../../db/stats-queries';
import { StatsRollups } from '../../db/stats-rollups';
import { createHotState } from '../../infra/hot-state';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';
import { type GeneratedFleet, generateSettledSessions } from '../../test/support/stats-data';
import { StatsReports } from '../stats-reports';

const utc = (iso: string) => new Date(iso);
const shanghaiDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describe.each(['MariaDB', 'SQLite'] as const)('the dashboards API on %s', (database) => {
  let t: TestApi;
  let operator: string;
  let fleet: GeneratedFleet;
  const get = (path: string, auth = operator) => t.http.get(`/api/v1/admin/stats/${path}`).set('Authorization', auth);

  beforeAll(async () => {
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' }, { database });
    fleet = await generateSettledSessions(
      { db: t.db, hot: createHotState(undefined) },
      {
        windows: [
          { from: utc('2026-01-25T00:00:00Z'), to: utc('2026-01-31T12:00:00Z') },
          { from: utc('2026-03-01T00:00:00Z'), to: utc('2026-03-07T12:00:00Z') },
        ],
        stations: 2,
        pilesPerStation: 2,
        drivers: 20,
        pilesCreatedAt: utc('2026-01-01T00:00:00Z'),
        driversCreatedFrom: utc('2026-01-10T00:00:00Z'),
      },
    );
    await new StatsRollups(t.db, 'Asia/Shanghai').recompute('2026-01-01', '2026-03-08', utc('2026-03-08T04:00:00Z'));
    operator = `Bearer ${(await t.staffLogin(uniqueId('stats-op'), 'operator')).token}`;
  }, 120_000);
  afterAll(() => t.stop());

  async function orderSums(filter: (o: { day: string; stationId: string }) => boolean) {
    const orders = (await t.db.models.Order.findAll()).map((o) => ({ day: shanghaiDay(o.createdAt), stationId: o.stationId, energyWh: o.energyWh, bill: o.bill, userId: o.userId }));
    const chosen = orders.filter(filter);
    return {
      count: chosen.length,
      energyWh: chosen.reduce((n, o) => n + o.energyWh, 0),
      electricityFen: chosen.reduce((n, o) => n + o.bill.electricityFen, 0),
      serviceFen: chosen.reduce((n, o) => n + o.bill.serviceFen, 0),
      idleFeeFen: chosen.reduce((n, o) => n + o.bill.idleFeeFen, 0),
      totalFen: chosen.reduce((n, o) => n + o.bill.totalFen, 0),
      drivers: new Set(chosen.map((o) => o.userId)).size,
      byDay: (day: string) => chosen.filter((o) => o.day === day).reduce((n, o) => n + o.energyWh, 0),
    };
  }

  it("answers a day report's energy per day, its totals and the previous period's totals, exactly as the orders", async () => {
    const { body } = await get('energy?from=2026-03-01&to=2026-03-07').expect(200);
    expect(body).toMatchObject({ kind: 'energy', from: '2026-03-01', to: '2026-03-07', granularity: 'day', timeZone: 'Asia/Shanghai', stationId: null });
    const now = await orderSums((o) => o.day >= '2026-03-01' && o.day <= '2026-03-07');
    expect(body.rows).toHaveLength(7);
    for (const row of body.rows) expect(row.energyWh).toBe(now.byDay(row.period));
    expect(body.totals).toMatchObject({ energyWh: now.energyWh, sessions: now.count, averageEnergyWh: Math.round(now.energyWh / now.count) });
    const before = await orderSums((o) => o.day >= '2026-02-22' && o.day <= '2026-02-28');
    expect(body.previous).toMatchObject({ from: '2026-02-22', to: '2026-02-28', totals: { energyWh: before.energyWh, sessions: before.count } });
  });

  it('splits revenue into electricity, service and idle fee per station', async () => {
    const { body } = await get('revenue?from=2026-01-01&to=2026-03-31&by=station').expect(200);
    expect(body.rows.map((r: { stationId: string }) => r.stationId).sort()).toEqual([...fleet.stationIds].sort());
    for (const row of body.rows) {
      const sums = await orderSums((o) => o.stationId === row.stationId);
      expect(row).toMatchObject({ electricityFen: sums.electricityFen, serviceFen: sums.serviceFen, idleFeeFen: sums.idleFeeFen, totalFen: sums.totalFen, sessions: sums.count });
      expect(row.stationName).toMatch(/^Station /);
    }
  });

  it('reports months with a month that had no sessions as zeros, against the months before', async () => {
    const { body } = await get('revenue?from=2026-01-15&to=2026-03-02&granularity=month').expect(200);
    expect(body).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    expect(body.rows.map((r: { period: string; totalFen: number }) => [r.period, r.totalFen > 0])).toEqual([
      ['2026-01', true],
      ['2026-02', false],
      ['2026-03', true],
    ]);
    expect(body.previous).toMatchObject({ from: '2025-10-01', to: '2025-12-31', totals: { totalFen: 0 } });
  });

  it("gives each pile's utilization as its charging time over its available time, one station alone", async () => {
    const stationId = fleet.stationIds[0];
    const { body } = await get(`utilization?from=2026-03-02&to=2026-03-03&by=pile&stationId=${stationId}`).expect(200);
    expect(body.rows).toHaveLength(2);
    for (const row of body.rows) {
      expect(row).toMatchObject({ stationId, availableSeconds: 2 * 86_400 });
      expect(row.utilization).toBeCloseTo(row.chargingSeconds / row.availableSeconds, 4);
    }
    const { body: station } = await get(`utilization?from=2026-03-02&to=2026-03-03&by=station&stationId=${stationId}`).expect(200);
    expect(station.rows).toEqual([expect.objectContaining({ stationId, availableSeconds: 4 * 86_400 })]);
  });

  it('counts active drivers once in the period and new drivers by registration', async () => {
    const { body } = await get('drivers?from=2026-03-01&to=2026-03-07').expect(200);
    const sums = await orderSums((o) => o.day >= '2026-03-01' && o.day <= '2026-03-07');
    expect(body.totals.activeDrivers).toBe(sums.drivers);
    expect(body.rows).toHaveLength(7);
  });

  it('defaults to the last 30 days to today in the operator time zone', async () => {
    // 2026-03-07 20:00 UTC is already 2026-03-08 in Shanghai.
    const statsReports = new StatsReports({ queries: new StatsQueries(t.db), timeZone: 'Asia/Shanghai', clock: () => utc('2026-03-07T20:00:00Z').getTime() });
    const { body } = await t.httpWith({ statsReports }).get('/api/v1/admin/stats/energy').set('Authorization', operator).expect(200);
    expect(body).toMatchObject({ from: '2026-02-07', to: '2026-03-08' });
  });

  it('exports the same rows as CSV for ?format=csv, with a header and a file name', async () => {
    const json = (await get('revenue?from=2026-03-01&to=2026-03-07').expect(200)).body;
    const res = await get('revenue?from=2026-03-01&to=2026-03-07&format=csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('revenue-period-2026-03-01-2026-03-07.csv');
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('period,electricityFen,serviceFen,idleFeeFen,totalFen,sessions,averageFen');
    expect(lines.slice(1)).toEqual(json.rows.map((r: Record<string, unknown>) => Object.values(r).join(',')));
  });

  it('exports CSV when the client accepts text/csv', async () => {
    const res = await get('utilization?from=2026-03-01&to=2026-03-01&by=pile').set('Accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.trim().split('\n')).toHaveLength(1 + fleet.pileIds.length);
  });

  it.each([
    ['a date that is not a date', 'energy?from=2026-3-1', 'from'],
    ['an end before the start', 'energy?from=2026-03-05&to=2026-03-01', 'to'],
    ['more than a year of days', 'energy?from=2024-01-01&to=2026-01-01', 'from'],
    ['an unknown granularity', 'energy?granularity=week', 'granularity'],
    ['an unknown parameter', 'energy?foo=1', undefined],
    ['drivers per station', 'drivers?by=station', 'by'],
    ['an unknown report', 'pizza', undefined],
  ])('refuses %s with a 400', async (_case, path, field) => {
    const { body } = await get(path).expect(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.field).toBe(field);
  });

  it.each([['support'], ['admin']] as const)('lets %s read the dashboards', async (role) => {
    const token = (await t.staffLogin(uniqueId(role), role)).token;
    await get('energy?from=2026-03-01&to=2026-03-01', `Bearer ${token}`).expect(200);
  });

  it('refuses a driver (403) and a caller without a token (401)', async () => {
    const driver = (await t.login(uniqueId('driver'))).token;
    await get('energy', `Bearer ${driver}`).expect(403);
    await t.http.get('/api/v1/admin/stats/energy').expect(401);
  });
});
