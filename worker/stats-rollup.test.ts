import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createDatabase, type Database } from '../db/database';
import { createHotState } from '../infra/hot-state';
import { installTemporalRuntime } from '../infra/temporal';
import { eventually } from '../test/support/live-client';
import { createTestDatabase } from '../test/support/services';
import { generateSettledSessions } from '../test/support/stats-data';
import { createLocalEnv, workflowBundle } from '../test/support/temporal';
import { STATS_ROLLUP_SCHEDULE_ID, STATS_ROLLUP_WORKFLOW } from '../workflows/stats-rollup.messages';
import { ensureStatsRollupSchedule } from './stats-rollup';
import { buildStatsActivities } from './worker';

installTemporalRuntime('error');

/** The dashboards' rollups kept current by a Temporal Schedule, on a real Temporal server and MariaDB. */
describe('the scheduled rollup refresh', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `stats-test-${randomUUID()}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    database = await createTestDatabase();
    db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
    await db.migrate();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: buildStatsActivities({ db, statsEnv: { OPERATOR_TIME_ZONE: 'Asia/Shanghai', STATS_RECOMPUTE_DAYS: 2 } }),
    });
    running = worker.run();
  }, 180_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await db?.close();
    await database?.drop();
  });

  it("puts the orders settled today into today's rollup when the schedule runs", async () => {
    const now = Date.now();
    const fleet = await generateSettledSessions(
      { db, hot: createHotState(undefined) },
      { windows: [{ from: new Date(now - 20 * 3_600_000), to: new Date(now - 60_000) }], stations: 1, pilesPerStation: 2, drivers: 5, pilesCreatedAt: new Date(now - 86_400_000), driversCreatedFrom: new Date(now - 86_400_000) },
    );
    expect(fleet.sessions).toBeGreaterThan(0);
    const expected = Number((await db.models.Order.sum('energyWh')) ?? 0);
    await ensureStatsRollupSchedule(env.client, taskQueue);
    await ensureStatsRollupSchedule(env.client, taskQueue);
    const schedule = env.client.schedule.getHandle(STATS_ROLLUP_SCHEDULE_ID);
    expect(await schedule.describe()).toMatchObject({ action: { type: 'startWorkflow', workflowType: STATS_ROLLUP_WORKFLOW, taskQueue } });
    await schedule.trigger();
    const rolledUp = async () => Number((await db.sequelize.query<{ n: unknown }>('SELECT SUM(energy_wh) AS n FROM stats_station_days', { type: QueryTypes.SELECT }))[0].n ?? 0);
    expect(await eventually(rolledUp, (n) => n === expected)).toBe(expected);
    await schedule.delete();
  }, 60_000);
});
