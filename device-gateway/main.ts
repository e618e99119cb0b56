import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDatabase } from '../db/database';
import { fragments, loadConfig } from '../infra/config';
import { createHotState } from '../infra/hot-state';
import { createLogger } from '../infra/logger';
import { connectMqtt } from '../infra/mqtt';
import { runMain, serveMetrics } from '../infra/process';
import { installTracing } from '../infra/tracing';
import { connectClient } from '../infra/temporal';
import { buildGatewayContext, startGateway } from './gateway';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { pileTopics } from '../device-protocol/topics';

/** The device gateway alone, against real services; run several with the same GATEWAY_SHARED_GROUP. */
runMain('gateway', async () => {
  const env = loadConfig(
    { ...fragments.temporal, ...fragments.database, ...fragments.redis, ...fragments.mqtt, ...fragments.pileKeys, ...fragments.gateway, ...fragments.sessionPolicy, ...fragments.metrics, ...fragments.logging, ...fragments.tracing },
    process.env,
    ['TEMPORAL_ADDRESS', 'MYSQL_URL', 'REDIS_URL', 'MQTT_URL', 'PILE_MASTER_KEY'],
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'gateway' });
  const tracing = installTracing({ serviceName: env.OTEL_SERVICE_NAME ?? 'gateway', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const stopMetrics = await serveMetrics(metrics, env.METRICS_PORT);
  const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
  const hot = createHotState(env.REDIS_URL, env.REDIS_KEY_PREFIX);
  const temporal = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE });
  const mqtt = await connectMqtt(env.MQTT_URL, mqttCredentials(env.PILE_MASTER_KEY, { role: 'gateway', name: env.GATEWAY_CLIENT_ID }), {
    persistent: env.GATEWAY_PERSISTENT_SESSION,
  });
  const ctx = buildGatewayContext({ db, hot, temporal, logger, metrics, topics: pileTopics(env.MQTT_TOPIC_PREFIX), checkpointIntervalMs: env.CHECKPOINT_INTERVAL_SECONDS * 1000 });
  const gateway = await startGateway(ctx, mqtt, { sharedGroup: env.GATEWAY_SHARED_GROUP, heartbeatTimeoutMs: env.PILE_HEARTBEAT_TIMEOUT_SECONDS * 1000 });
  logger.info({ group: env.GATEWAY_SHARED_GROUP }, 'gateway subscribed');
  return {
    logger,
    stop: async () => {
      await gateway.stop();
      await mqtt.endAsync();
      await temporal.connection.close();
      await hot.close();
      await db.close();
      await stopMetrics();
      await tracing.shutdown();
    },
  };
});
