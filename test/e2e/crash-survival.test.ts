import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import mysql from 'mysql2/promise';
import { type PileFleet, startSimulator } from '../../simulator';
import { pileTopics } from '../../device-protocol/topics';
import { installTemporalRuntime } from '../../infra/temporal';
import { eventually } from '../support/live-client';
import { RoleProcess, apiCaller, freePort, runToCompletion } from '../support/process-harness';
import { TEST_MQTT_URL, TEST_REDIS_URL, createTestDatabase, testRedisPrefix, uniqueId } from '../support/services';
import { createLocalEnv } from '../support/temporal';

/**
 * The roles run as separate processes against MariaDB, Redis, Mosquitto and a Temporal dev server. Each is
 * killed with SIGKILL while sessions are charging and started again; every session must finish with the bill
 * its pile's own meter says it should have.
 */
describe('crash survival of the worker, gateway and API processes', () => {
  const stationId = uniqueId('crash-station');
  let temporal: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let fleet: PileFleet;
  let api: RoleProcess;
  let worker: RoleProcess;
  let gateway: RoleProcess;
  let apiUrl: string;

  beforeAll(async () => {
    installTemporalRuntime('error');
    temporal = await createLocalEnv();
    database = await createTestDatabase();
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: uniqueId('crash-sessions'),
      MYSQL_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: testRedisPrefix(),
      MQTT_URL: TEST_MQTT_URL,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PILE_MASTER_KEY: randomBytes(32).toString('hex'),
      AUTH_DEV_LOGIN: 'true',
      PAYMENTS_PROVIDER: 'sandbox',
      HOST: '127.0.0.1',
      PORT: String(port),
      GATEWAY_SHARED_GROUP: uniqueId('crash-gw'),
      GATEWAY_CLIENT_ID: uniqueId('crash-gateway'),
      CHECKPOINT_INTERVAL_SECONDS: '1',
      SIM_STATION_ID: stationId,
      SIM_PILES: '6',
      LOG_LEVEL: 'info',
    };
    runToCompletion('db/migrate.js', env);
    runToCompletion('system/seed-demo.js', env);
    api = new RoleProcess('api', 'api/main.js', env, /API listening/);
    worker = new RoleProcess('worker', 'worker/main.js', { ...env, METRICS_PORT: String(await freePort()) }, /worker running/);
    gateway = new RoleProcess('gateway', 'device-gateway/main.js', { ...env, METRICS_PORT: String(await freePort()) }, /gateway subscribed/);
    await Promise.all([api.start(), worker.start(), gateway.start()]);
    fleet = await startSimulator({ mqttUrl: TEST_MQTT_URL, masterKey: env.PILE_MASTER_KEY, topics: pileTopics(), stationId, count: 6, telemetryIntervalMs: 200 });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all([api, worker, gateway].map((p) => p?.stop()));
    await temporal?.teardown();
    await database?.drop();
  });

  const call = apiCaller(() => apiUrl);

  it('finishes every charging session with the bill its meter gives after each process is killed and restarted', async () => {
    const fastPiles = fleet.pileIds.filter((_, i) => i % 2 === 0);
    await Promise.all(fastPiles.map((code) => eventually(() => call('GET', `/api/v1/piles/${code}`), (r) => r.body.pile?.status === 'idle')));
    const drivers = await Promise.all(
      fastPiles.map(async (pileCode, i) => {
        const { body } = await call('POST', '/api/v1/auth/dev-login', undefined, { name: `crash-driver-${i}` });
        await call('POST', '/api/v1/wallet/top-ups', body.token, { amountFen: 5000 });
        const started = await call('POST', '/api/v1/sessions', body.token, { pileCode });
        expect(started.status).toBe(201);
        return { token: body.token as string, pileCode, sessionId: started.body.sessionId as string };
      }),
    );
    const charging = () => Promise.all(drivers.map((d) => eventually(() => call('GET', `/api/v1/sessions/${d.sessionId}`, d.token), (r) => r.body.status === 'CHARGING' && r.body.energyWh > 0)));
    await charging();

    for (const role of [worker, gateway, api]) {
      await role.crash();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await role.start();
    }
    const before = await charging();
    await Promise.all(drivers.map((d, i) => eventually(() => call('GET', `/api/v1/sessions/${d.sessionId}`, d.token), (r) => r.body.energyWh > before[i].body.energyWh)));

    await Promise.all(drivers.map((d) => call('POST', `/api/v1/sessions/${d.sessionId}/stop`, d.token)));
    const done = await Promise.all(drivers.map((d) => eventually(() => call('GET', `/api/v1/sessions/${d.sessionId}`, d.token), (r) => r.body.status === 'COMPLETED', 60_000)));

    const sql = await mysql.createConnection(database.url);
    for (const [i, d] of drivers.entries()) {
      const session = done[i].body;
      const meterDelta = fleet.pile(d.pileCode).energyRegisterWh - session.meterStartWh;
      expect(session).toMatchObject({ endReason: 'DRIVER_STOPPED', needsReview: false, energyWh: meterDelta });
      expect(session.bill.energyWh).toBe(meterDelta);
      expect(session.bill.totalFen).toBe(session.bill.lines.reduce((s: number, l: any) => s + l.electricityFen + l.serviceFen, 0));
      expect((await call('GET', '/api/v1/wallet', d.token)).body).toEqual({ balanceFen: 5000 - session.bill.capturedFen, heldFen: 0 });
      const [orders] = await sql.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM orders WHERE session_id = ?', [d.sessionId]);
      expect(orders[0].n).toBe(1);
    }
    await sql.end();
  }, 240_000);
});
