import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { installTemporalRuntime } from '../../infra/temporal';
import { eventually } from '../support/live-client';
import { TestCharger } from '../support/ocpp-charger';
import { RoleProcess, apiCaller, freePort, runToCompletion } from '../support/process-harness';
import { TEST_MQTT_URL, TEST_REDIS_URL, createTestDatabase, testRedisPrefix, uniqueId } from '../support/services';
import { createLocalEnv } from '../support/temporal';

/**
 * `npm run start:ocpp` as production runs it: the built central system (dist/ocpp/main.js) in a process of its own
 * beside the API and the worker, on MariaDB, Redis and a Temporal dev server. A driver's start crosses three
 * processes (API → worker → Redis → central system → charger) and the charger's answers come back the same way.
 */
describe('the standalone OCPP central system process', () => {
  const stationId = uniqueId('ocpp-process-station');
  let temporal: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let processes: RoleProcess[] = [];
  let ocpp: RoleProcess;
  let apiUrl: string;
  let ocppUrl: string;
  const call = apiCaller(() => apiUrl);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-ocpp-process-'));

  beforeAll(async () => {
    installTemporalRuntime('error');
    [temporal, database] = await Promise.all([createLocalEnv(), createTestDatabase()]);
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [apiPort, ocppPort, ocppMetricsPort, workerMetricsPort] = [...ports];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    ocppUrl = `ws://127.0.0.1:${ocppPort}`;
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: uniqueId('ocpp-process-sessions'),
      MYSQL_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: testRedisPrefix(),
      MQTT_URL: TEST_MQTT_URL,
      MQTT_TOPIC_PREFIX: `test/${uniqueId('ocpp-process')}`,
      COMMANDS_CLIENT_ID: uniqueId('ocpp-process-worker'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      PILE_MASTER_KEY: randomBytes(32).toString('hex'),
      AUTH_DEV_LOGIN: 'true',
      AUTH_DEV_LOGIN_STAFF: 'true',
      PAYMENTS_PROVIDER: 'sandbox',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      SIM_STATION_ID: stationId,
      SIM_PILES: '1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    };
    runToCompletion('db/migrate.js', env);
    runToCompletion('system/seed-demo.js', env);
    ocpp = new RoleProcess('ocpp', 'ocpp/main.js', { ...env, OCPP_PORT: String(ocppPort), METRICS_PORT: String(ocppMetricsPort) }, /OCPP central system listening/);
    processes = [
      new RoleProcess('api', 'api/main.js', env, /API listening/),
      new RoleProcess('worker', 'worker/main.js', { ...env, METRICS_PORT: String(workerMetricsPort) }, /worker running/),
      ocpp,
    ];
    await Promise.all(processes.map((p) => p.start()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await temporal?.teardown();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const login = async (name: string, role = 'driver'): Promise<string> => (await call('POST', '/api/v1/auth/dev-login', undefined, { name, role })).body.token;
  const pileStatus = async (code: string) => (await call('GET', `/api/v1/piles/${code}`)).body.pile?.status;

  it('takes a charger’s boot, relays a driver’s start from the worker to it, and closes its socket cleanly on SIGTERM', async () => {
    const admin = await login('ocpp-process-admin', 'admin');
    const code = `${stationId}-cp1`;
    const created = await call('POST', `/api/v1/admin/stations/${stationId}/piles`, admin, { code, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T', protocol: 'ocpp1.6' });
    expect(created.status).toBe(201);
    const charger = await TestCharger.connect(ocppUrl, code, created.body.credentials.basicAuthPassword);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => charger.rpc.once('close', resolve));
    expect(await charger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'process-test' })).toMatchObject({ status: 'Accepted' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await eventually(() => pileStatus(code), (s) => s === 'idle');

    const driver = await login(uniqueId('ocpp-process-driver'));
    expect((await call('POST', '/api/v1/wallet/top-ups', driver, { amountFen: 5000 })).status).toBe(201);
    const started = await call('POST', '/api/v1/sessions', driver, { pileCode: code });
    expect(started.status).toBe(201);
    const { idTag } = (await charger.nextCall('RemoteStartTransaction')).params;
    const transaction = await charger.call('StartTransaction', { connectorId: 1, idTag, meterStart: 1000, timestamp: new Date().toISOString() });
    expect(transaction.idTagInfo.status).toBe('Accepted');
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    await eventually(() => call('GET', `/api/v1/sessions/${started.body.sessionId}`, driver), (r) => r.body.status === 'CHARGING');

    await ocpp.stop();
    expect(ocpp.exitCode).toBe(0);
    expect(await closed).toMatchObject({ code: 1001, reason: 'central system stopping' });
    expect(ocpp.log).toMatch(/"msg":"ocpp stopping"/);
    expect(ocpp.log).not.toMatch(/could not record the charger offline|error while stopping/);
    // Its close was handled before the process let go of the stores: the pile is offline at once, not after a timeout.
    expect(await pileStatus(code)).toBe('offline');
  }, 120_000);
});
