import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pileTopics } from '../../device-protocol/topics';
import { type PileFleet, startSimulator } from '../../simulator';
import { eventually } from '../support/live-client';
import { RoleProcess, apiCaller, freePort, runToCompletion } from '../support/process-harness';
import { uniqueId } from '../support/services';

/**
 * The embedded platform (`npm start`: SQLite, in-process hot store and MQTT broker, all in DATA_DIR or in memory)
 * is killed with SIGKILL while a pile that outlives it keeps charging, then started again on the same DATA_DIR.
 * Everything the platform kept in memory is gone; the pile reconnects and keeps metering. The session must catch
 * up and end with the bill the pile's own meter gives. Its Temporal dev server is orphaned by the kill and stopped
 * by the next start, which serves the same SQLite file.
 */
describe('a crash of the embedded platform while piles keep charging', () => {
  const stationId = uniqueId('crash-station');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-crash-'));
  let platform: RoleProcess;
  let fleet: PileFleet;
  let apiUrl: string;

  beforeAll(async () => {
    const [apiPort, mqttPort, temporalPort, temporalUiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const pileMasterKey = randomBytes(32).toString('hex');
    const env = {
      DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(temporalUiPort),
      TEMPORAL_TASK_QUEUE: uniqueId('crash-sessions'),
      PILE_MASTER_KEY: pileMasterKey,
      JWT_SECRET: randomBytes(32).toString('hex'),
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      MQTT_PORT: String(mqttPort),
      GATEWAY_PERSISTENT_SESSION: 'false',
      CHECKPOINT_INTERVAL_SECONDS: '1',
      SIM_STATION_ID: stationId,
      SIM_PILES: '0',
      PAYMENTS_PROVIDER: 'sandbox',
      LOG_LEVEL: 'warn',
    };
    runToCompletion('db/migrate.js', env);
    runToCompletion('system/seed-demo.js', { ...env, SIM_PILES: '2' });
    platform = new RoleProcess('platform', 'system/main.js', env, /control plane is running/);
    await platform.start();
    fleet = await startSimulator({ mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, masterKey: pileMasterKey, topics: pileTopics(), stationId, count: 2, telemetryIntervalMs: 200 });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    await platform?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = apiCaller(() => apiUrl);

  it('bills the energy the pile metered while the platform was down, to the pile\'s own meter', async () => {
    const pileCode = fleet.pileIds[0]; // 120 kW
    await eventually(() => call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');
    const { body: login } = await call('POST', '/api/v1/auth/dev-login', undefined, { name: 'crash-driver' });
    await call('POST', '/api/v1/wallet/top-ups', login.token, { amountFen: 5000 });
    const started = await call('POST', '/api/v1/sessions', login.token, { pileCode });
    expect(started.status).toBe(201);
    const session = () => call('GET', `/api/v1/sessions/${started.body.sessionId}`, login.token);
    await eventually(session, (r) => r.body.status === 'CHARGING' && r.body.energyWh > 0);

    await platform.crash();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the pile charges on, unheard
    const meteredWhileDown = fleet.pile(pileCode).energyRegisterWh;
    await platform.start();

    const caughtUp = await eventually(session, (r) => r.body.status === 'CHARGING' && r.body.meterStartWh + r.body.energyWh > meteredWhileDown, 60_000);
    expect(caughtUp.body.needsReview).toBe(false);
    await call('POST', `/api/v1/sessions/${started.body.sessionId}/stop`, login.token);
    const done = (await eventually(session, (r) => r.body.status === 'COMPLETED', 60_000)).body;

    const meterDelta = fleet.pile(pileCode).energyRegisterWh - done.meterStartWh;
    expect(done).toMatchObject({ endReason: 'DRIVER_STOPPED', needsReview: false, energyWh: meterDelta });
    expect(done.bill.energyWh).toBe(meterDelta);
    expect((await call('GET', '/api/v1/wallet', login.token)).body).toEqual({ balanceFen: 5000 - done.bill.capturedFen, heldFen: 0 });
  }, 240_000);
});
