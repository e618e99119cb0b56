import { fragments, loadConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import { runMain } from '../../infra/process';
import { pileTopics } from '../protocol/topics';
import { startSimulator } from './start-simulator';

/** The pile simulator alone: `node dist/device-gateway/simulator/main.js`. */
runMain('pile-simulator', async () => {
  const env = loadConfig(
    { MQTT_URL: fragments.mqtt.MQTT_URL, MQTT_TOPIC_PREFIX: fragments.mqtt.MQTT_TOPIC_PREFIX, PILE_MASTER_KEY: fragments.pileKeys.PILE_MASTER_KEY, ...fragments.simulator, ...fragments.logging },
    process.env,
    ['MQTT_URL', 'PILE_MASTER_KEY'],
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'pile-simulator' });
  const fleet = await startSimulator({
    mqttUrl: env.MQTT_URL!,
    masterKey: env.PILE_MASTER_KEY!,
    topics: pileTopics(env.MQTT_TOPIC_PREFIX),
    stationId: env.SIM_STATION_ID,
    count: env.SIM_PILES,
    telemetryIntervalMs: env.SIM_TELEMETRY_INTERVAL_MS,
    logger,
  });
  return { logger, stop: () => fleet.stop() };
});
