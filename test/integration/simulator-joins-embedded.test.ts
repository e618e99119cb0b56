import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { pileTopics } from '../../device-protocol/topics';
import { simulatedPileId } from '../../simulator/fleet';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../infra/embedded-broker';
import { embeddedSecrets } from '../../infra/embedded-secrets';
import { RoleProcess } from '../support/process-harness';
import { uniqueId } from '../support/services';

/** `npm run start:simulator` beside `npm start`: same DATA_DIR, nothing else configured. */
const topics = pileTopics();
let dataDir: string;
let broker: EmbeddedBroker;
let simulator: RoleProcess | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-sim-join-'));
  broker = await startEmbeddedBroker({ port: 0, masterKey: embeddedSecrets(dataDir, {}).pileMasterKey, topics });
});

afterAll(async () => {
  await simulator?.stop();
  await broker.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("connects each simulated pile with its own credentials from the embedded platform's stored master key", async () => {
  const stationId = uniqueId('join');
  const pileId = simulatedPileId(stationId, 1);
  const { pileMasterKey } = embeddedSecrets(dataDir, {});
  const gateway = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'gateway.join-test', ...mqttCredentials(pileMasterKey, { role: 'gateway', name: 'join-test' }) });
  const announced = new Promise<string>((resolve) => gateway.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()).state)));
  await gateway.subscribeAsync(topics.uplink(pileId, 'status'), { qos: 1 });

  simulator = new RoleProcess(
    'simulator',
    'simulator/main.js',
    { DATA_DIR: dataDir, MQTT_PORT: new URL(broker.url).port, MQTT_URL: '', PILE_MASTER_KEY: '', SIM_PILES: '1', SIM_STATION_ID: stationId, LOG_LEVEL: 'info' },
    /pile simulator running/,
  );
  await simulator.start();
  expect(await announced).toBe('idle');
  await gateway.endAsync();
});
