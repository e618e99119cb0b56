import { createDatabase, type Database } from '../../db/database';
import { createHotState } from '../../infra/hot-state';
import { STATS_ROLLUP_SCHEDULE_ID } from '../../workflows/stats-rollup.messages';
import { type ConsoleBrowser, byTestId, dashboard, launchConsoleBrowser, screenshot, scriptErrors, signIn } from '../support/browser';
import { eventually } from '../support/live-client';
import { uniqueId } from '../support/services';
import { generateSettledSessions } from '../support/stats-data';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const ADMIN_PASSWORD = 'first-admin-password-for-tests';
const shanghaiDay = (at: Date | number) => new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('the dashboard in a browser', () => {
  let t: TestSystem;
  let db: Database;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    t = await startTestSystem('real services', { STAFF_ADMIN_PASSWORD: ADMIN_PASSWORD });
    db = createDatabase({ mysqlUrl: t.databaseUrl, dataDir: '.unused' });
    browser = await launchConsoleBrowser(t.api);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await db?.close();
    await t?.stop();
  });

  it("shows an operator today's energy equal to the sum of today's orders once the schedule ran, and downloads it as CSV", async () => {
    const now = Date.now();
    await generateSettledSessions(
      { db, hot: createHotState(undefined) },
      { windows: [{ from: new Date(now - 30 * 3_600_000), to: new Date(now - 60_000) }], stations: 2, pilesPerStation: 2, drivers: 10, pilesCreatedAt: new Date(now - 40 * 86_400_000), driversCreatedFrom: new Date(now - 30 * 86_400_000) },
    );
    const today = shanghaiDay(Date.now());
    const expected = (await db.models.Order.findAll()).filter((o) => shanghaiDay(o.createdAt) === today).reduce((n, o) => n + o.energyWh, 0);
    await t.temporal.schedule.getHandle(STATS_ROLLUP_SCHEDULE_ID).trigger();

    const admin = (await t.call('POST', '/api/v1/auth/staff-login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.token as string;
    const username = uniqueId('op');
    const { body: created } = await t.call('POST', '/api/v1/admin/staff', { token: admin, body: { username, role: 'operator', reason: 'dashboard test' } });
    // The schedule's refresh has run once the API answers today's energy.
    const operator = (await t.call('POST', '/api/v1/auth/staff-login', { body: { username, password: created.password } })).body.token as string;
    const todayEnergy = async () => (await t.call('GET', `/api/v1/admin/stats/energy?from=${today}&to=${today}`, { token: operator })).body.totals?.energyWh as number;
    await eventually(todayEnergy, (wh) => wh === expected, 60_000);

    const page = await browser.newPage();
    await signIn(page, username, created.password);
    await expect(byTestId(page, 'menu-dashboard').first().isVisible()).resolves.toBe(true);
    const board = await dashboard(page);
    expect(await board.lastPeriodEnergyWh()).toBe(expected);
    await screenshot(page, 'operator-dashboard');

    const csv = await board.downloadCsv('dashboard-csv-energy');
    expect(csv.name).toMatch(/^energy-period-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('period,energyWh,sessions,sessionSeconds,averageEnergyWh,averageSeconds');
    expect(lines.at(-1)!.split(',').slice(0, 2)).toEqual([today, String(expected)]);
    expect(scriptErrors(page)).toEqual([]);
  }, 180_000);
});
