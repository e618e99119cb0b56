import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDatabase } from '../db/database';
import { buildGatewayContext } from '../device-gateway/gateway';
import { pileTopics } from '../device-protocol/topics';
import { fragments, loadConfig } from '../infra/config';
import { createHotState } from '../infra/hot-state';
import { createLogger } from '../infra/logger';
import { runMain, serveMetrics } from '../infra/process';
import { connectClient, temporalTls } from '../infra/temporal';
import { sessionPolicyFrom } from '../infra/session-policy';
import { installTracing } from '../infra/tracing';
import { buildOcppContext } from './build';
import { startCentralSystem } from './central-system';

/** The OCPP 1.6J central system alone, against real services; run as many as needed behind one address (any node takes any charger). */
runMain('ocpp', async () => {
  const env = loadConfig(
    { ...fragments.temporal, ...fragments.temporalTls, ...fragments.database, ...fragments.redis, ...fragments.mqtt, ...fragments.pileKeys, ...fragments.gateway, ...fragments.ocpp, ...fragments.sessionPolicy, ...fragments.metrics, ...fragments.logging, ...fragments.tracing, ...fragments.alarms },
    process.env,
    ['TEMPORAL_ADDRESS', 'MYSQL_URL', 'REDIS_URL', 'PILE_MASTER_KEY'],
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'ocpp' });
  const tracing = installTracing({ serviceName: env.OTEL_SERVICE_NAME ?? 'ocpp', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const stopMetrics = await serveMetrics(metrics, env.METRICS_PORT);
  const hot = createHotState(env.REDIS_URL, env.REDIS_KEY_PREFIX);
  const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
  const temporal = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, tls: temporalTls(env) });
  const gateway = buildGatewayContext({
    db,
    hot,
    temporal,
    logger,
    metrics,
    topics: pileTopics(env.MQTT_TOPIC_PREFIX),
    checkpointIntervalMs: env.CHECKPOINT_INTERVAL_SECONDS * 1000,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    alarmQuietMs: env.ALARM_QUIET_SECONDS * 1000,
  });
  await gateway.watched.start();
  const sessions = { temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, policy: sessionPolicyFrom(env) };
  const ctx = buildOcppContext({ gateway, db, heartbeatIntervalS: env.OCPP_HEARTBEAT_INTERVAL_SECONDS, heartbeatTimeoutMs: env.PILE_HEARTBEAT_TIMEOUT_SECONDS * 1000, sessions });
  const central = await startCentralSystem(ctx, { port: env.OCPP_PORT, host: env.OCPP_HOST, masterKey: env.PILE_MASTER_KEY });
  logger.info({ url: `${central.url}/ocpp/1.6/{chargePointId}` }, 'OCPP central system listening');
  return {
    logger,
    stop: async () => {
      await central.stop();
      await gateway.watched.stop();
      await temporal.connection.close();
      await hot.close();
      await db.close();
      await stopMetrics();
      await tracing.shutdown();
    },
  };
});
