import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type PileFleet, fleetPileSpecs, startSimulator } from '../../simulator';
import { pileTopics } from '../../device-protocol/topics';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { connectMqtt } from '../../infra/mqtt';
import { installTemporalRuntime } from '../../infra/temporal';
import { eventually } from '../support/live-client';
import { RoleProcess, apiCaller, freePort, runToCompletion } from '../support/process-harness';
import { TEST_REDIS_URL, createTestDatabase, testRedisPrefix, uniqueId } from '../support/services';
import { type ShippedMosquitto, startShippedMosquitto } from '../support/shipped-mosquitto';
import { createLocalEnv } from '../support/temporal';

/**
 * Two gateways share the piles' topics on a Mosquitto running the shipped configuration (ops/mosquitto), with
 * persistent sessions as in production. Gateways die, stop, are scaled down and restarted while piles report; every
 * session must end as its pile reports it, billed to the pile's meter, and never wait for a connector that was freed
 * (the seeded tariff charges idle fees: a lost "connector free" would hold the session for IDLE_WAIT_MAX_MINUTES).
 */
describe('gateways that come and go lose no pile message', () => {
  const stationId = uniqueId('failover-station');
  const gatewayNames = ['failover-a', 'failover-b'];
  let temporal: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let broker: ShippedMosquitto;
  let fleet: PileFleet;
  let api: RoleProcess;
  let worker: RoleProcess;
  let gateways: RoleProcess[];
  let apiUrl: string;
  const freePiles: string[] = [];

  beforeAll(async () => {
    installTemporalRuntime('error');
    const masterKey = randomBytes(32).toString('hex');
    const piles = fleetPileSpecs(stationId, 16);
    freePiles.push(...piles.filter((p) => p.type === 'fast').map((p) => p.pileId));
    [temporal, database, broker] = await Promise.all([
      createLocalEnv(),
      createTestDatabase(),
      startShippedMosquitto({ masterKey, piles: piles.map((p) => p.pileId), gateways: gatewayNames, commandSenders: ['failover-worker'] }),
    ]);
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: uniqueId('failover-sessions'),
      MYSQL_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: testRedisPrefix(),
      MQTT_URL: broker.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PILE_MASTER_KEY: masterKey,
      AUTH_DEV_LOGIN: 'true',
      PAYMENTS_PROVIDER: 'sandbox',
      HOST: '127.0.0.1',
      PORT: String(port),
      COMMANDS_CLIENT_ID: 'failover-worker',
      GATEWAY_SHARED_GROUP: 'evcp-gateway',
      GATEWAY_LEASE_SECONDS: '2',
      CHECKPOINT_INTERVAL_SECONDS: '1',
      SIM_STATION_ID: stationId,
      SIM_PILES: '16',
      LOG_LEVEL: 'info',
    };
    runToCompletion('db/migrate.js', env);
    runToCompletion('system/seed-demo.js', env);
    api = new RoleProcess('api', 'api/main.js', env, /API listening/);
    worker = new RoleProcess('worker', 'worker/main.js', { ...env, METRICS_PORT: String(await freePort()) }, /worker running/);
    gateways = await Promise.all(
      gatewayNames.map(async (name) => new RoleProcess(name, 'device-gateway/main.js', { ...env, GATEWAY_CLIENT_ID: name, METRICS_PORT: String(await freePort()) }, /gateway subscribed/)),
    );
    await Promise.all([api.start(), worker.start(), ...gateways.map((g) => g.start())]);
    fleet = await startSimulator({ mqttUrl: broker.url, masterKey, topics: pileTopics(), stationId, count: 16, telemetryIntervalMs: 200 });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all([api, worker, ...(gateways ?? [])].map((p) => p?.stop()));
    await broker?.stop();
    await temporal?.teardown();
    await database?.drop();
  });

  const call = apiCaller(() => apiUrl);

  /**
   * Two sessions charge on fast piles; `disrupt` runs while they charge or right after the drivers asked them to
   * stop (the stop acks, stop events and "connector free" statuses are then on their way). Every session must
   * complete as the driver's stop, billed to its pile's meter, with no idle fee and nothing to review.
   */
  async function sessionsSurvive(disrupt: () => Promise<void>, when: 'charging' | 'stopping'): Promise<void> {
    const drivers = await Promise.all(
      freePiles.splice(0, 2).map(async (pileCode) => {
        await eventually(() => call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');
        const { body } = await call('POST', '/api/v1/auth/dev-login', undefined, { name: uniqueId('failover-driver') });
        await call('POST', '/api/v1/wallet/top-ups', body.token, { amountFen: 5000 });
        const started = await call('POST', '/api/v1/sessions', body.token, { pileCode });
        expect(started.status).toBe(201);
        return { token: body.token as string, pileCode, sessionId: started.body.sessionId as string };
      }),
    );
    await Promise.all(drivers.map((d) => eventually(() => call('GET', `/api/v1/sessions/${d.sessionId}`, d.token), (r) => r.body.status === 'CHARGING' && r.body.energyWh > 0)));
    if (when === 'charging') await disrupt();
    await Promise.all(drivers.map((d) => call('POST', `/api/v1/sessions/${d.sessionId}/stop`, d.token)));
    if (when === 'stopping') await disrupt();
    const done = await Promise.all(drivers.map((d) => eventually(() => call('GET', `/api/v1/sessions/${d.sessionId}`, d.token), (r) => r.body.status === 'COMPLETED', 60_000)));
    for (const [i, d] of drivers.entries()) {
      const session = done[i].body;
      const meterDelta = fleet.pile(d.pileCode).energyRegisterWh - session.meterStartWh;
      expect(session).toMatchObject({ endReason: 'DRIVER_STOPPED', needsReview: false, energyWh: meterDelta });
      expect(session.bill).toMatchObject({ energyWh: meterDelta, idleFeeFen: 0 });
      expect((await call('GET', '/api/v1/wallet', d.token)).body).toEqual({ balanceFen: 5000 - session.bill.capturedFen, heldFen: 0 });
    }
  }

  const [a, b] = [0, 1].map((i) => () => gateways[i]);
  const running = async (...roles: RoleProcess[]) => {
    for (const role of roles) if (!role.running) await role.start();
  };

  it('strands nothing when one of two gateways is killed with SIGKILL while its piles report the stop', async () => {
    await running(a(), b());
    await sessionsSurvive(() => a().crash(), 'stopping');
  }, 150_000);

  it('strands nothing when one of two gateways is stopped with SIGTERM while its piles report the stop', async () => {
    await running(a(), b());
    await sessionsSurvive(() => b().stop(), 'stopping');
  }, 150_000);

  it('strands nothing when two gateways are scaled down to one while sessions charge', async () => {
    await running(a(), b());
    await sessionsSurvive(() => b().stop(), 'charging');
  }, 150_000);

  it('strands nothing when the only gateway is killed and started again while its piles report the stop', async () => {
    await running(a());
    await b().stop();
    await sessionsSurvive(async () => {
      await a().crash();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await a().start();
    }, 'stopping');
  }, 150_000);

  it('logs loudly when another connection with its credentials takes its client id over', async () => {
    await running(a());
    const { environment } = a();
    const intruder = await connectMqtt(broker.url, mqttCredentials(environment.PILE_MASTER_KEY, { role: 'gateway', name: environment.GATEWAY_CLIENT_ID }));
    await intruder.endAsync();
    await eventually(async () => a().log, (log) => /gateway lost its MQTT connection.*took the session over/.test(log));
  }, 60_000);

  it('refuses to start a second gateway under a client id that a running gateway holds', async () => {
    await running(a());
    const twin = new RoleProcess('twin', 'device-gateway/main.js', { ...a().environment, METRICS_PORT: String(await freePort()) }, /gateway subscribed/);
    await expect(twin.start()).rejects.toThrow(/another gateway is running as GATEWAY_CLIENT_ID "failover-a"/);
  }, 60_000);
});
