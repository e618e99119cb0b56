import fs from 'node:fs';
import { fragments, loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { runMain } from '../infra/process';
import { storedEmbeddedSecrets } from '../infra/embedded-secrets';
import { pileTopics } from '../device-protocol/topics';
import { startSimulator } from './start-simulator';

/**
 * The pile simulator alone: `node dist/simulator/main.js`. Without MQTT_URL and PILE_MASTER_KEY it
 * plays the piles of the embedded platform (`npm start`) sharing its DATA_DIR: its broker on MQTT_PORT and the pile
 * master key in DATA_DIR. Its piles outlive the platform: when the platform goes down they keep charging and
 * reconnect when it is back.
 */
runMain('pile-simulator', async () => {
  const env = loadConfig({
    MQTT_URL: fragments.mqtt.MQTT_URL,
    MQTT_PORT: fragments.mqtt.MQTT_PORT,
    MQTT_CA_FILE: fragments.mqtt.MQTT_CA_FILE,
    MQTT_TOPIC_PREFIX: fragments.mqtt.MQTT_TOPIC_PREFIX,
    DATA_DIR: fragments.database.DATA_DIR,
    PILE_MASTER_KEY: fragments.pileKeys.PILE_MASTER_KEY,
    ...fragments.simulator,
    ...fragments.logging,
  });
  const masterKey = env.PILE_MASTER_KEY ?? storedEmbeddedSecrets(env.DATA_DIR).pileMasterKey;
  if (!masterKey) throw new Error(`PILE_MASTER_KEY is not set and ${env.DATA_DIR} holds no embedded platform's key: start it first (npm start) or set PILE_MASTER_KEY`);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'pile-simulator' });
  const fleet = await startSimulator({
    mqttUrl: env.MQTT_URL ?? `mqtt://127.0.0.1:${env.MQTT_PORT}`,
    mqttCa: env.MQTT_CA_FILE ? fs.readFileSync(env.MQTT_CA_FILE) : undefined,
    masterKey,
    topics: pileTopics(env.MQTT_TOPIC_PREFIX),
    stationId: env.SIM_STATION_ID,
    count: env.SIM_PILES,
    telemetryIntervalMs: env.SIM_TELEMETRY_INTERVAL_MS,
    logger,
  });
  return { logger, stop: () => fleet.stop() };
});
