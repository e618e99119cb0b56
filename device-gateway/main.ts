import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDatabase } from '../db/database';
import { fragments, loadConfig } from '../infra/config';
import { createHotState } from '../infra/hot-state';
import { createLogger } from '../infra/logger';
import { type MessageTaker, connectMqtt } from '../infra/mqtt';
import { runMain, serveMetrics } from '../infra/process';
import { installTracing } from '../infra/tracing';
import { connectClient, temporalTls } from '../infra/temporal';
import { buildGatewayContext, startGateway } from './gateway';
import { claimGatewayName } from './gateway-lease';
import { uplinkLoadLimits } from './uplink-load';
import { DepartedGateways, replayRetainedStatuses } from './session-adoption';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { pileTopics } from '../device-protocol/topics';

/** The device gateway alone, against real services; run several with the same GATEWAY_SHARED_GROUP, each with its own GATEWAY_CLIENT_ID. */
runMain('gateway', async () => {
  const env = loadConfig(
    { ...fragments.temporal, ...fragments.temporalTls, ...fragments.database, ...fragments.redis, ...fragments.mqtt, ...fragments.pileKeys, ...fragments.gateway, ...fragments.sessionPolicy, ...fragments.metrics, ...fragments.logging, ...fragments.tracing, ...fragments.alarms },
    process.env,
    ['TEMPORAL_ADDRESS', 'MYSQL_URL', 'REDIS_URL', 'MQTT_URL', 'PILE_MASTER_KEY'],
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'gateway' });
  const tracing = installTracing({ serviceName: env.OTEL_SERVICE_NAME ?? 'gateway', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const leaseMs = env.GATEWAY_LEASE_SECONDS * 1000;
  const hot = createHotState(env.REDIS_URL, env.REDIS_KEY_PREFIX);
  // Before anything touches the broker: a second process under this name would take our MQTT session from us.
  const lease = await claimGatewayName(hot, env.GATEWAY_CLIENT_ID, { leaseMs, logger, onLost: () => process.kill(process.pid, 'SIGTERM') });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const stopMetrics = await serveMetrics(metrics, env.METRICS_PORT);
  const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
  const temporal = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, tls: temporalTls(env) });
  const connectAs = (name: string, take: MessageTaker) =>
    connectMqtt(env.MQTT_URL, mqttCredentials(env.PILE_MASTER_KEY, { role: 'gateway', name }), { persistent: env.GATEWAY_PERSISTENT_SESSION, caFile: env.MQTT_CA_FILE, take });
  const topics = pileTopics(env.MQTT_TOPIC_PREFIX);
  const ctx = buildGatewayContext({ db, hot, temporal, logger, metrics, topics, checkpointIntervalMs: env.CHECKPOINT_INTERVAL_SECONDS * 1000, taskQueue: env.TEMPORAL_TASK_QUEUE, alarmQuietMs: env.ALARM_QUIET_SECONDS * 1000 });
  const gateway = await startGateway(ctx, (take) => connectAs(env.GATEWAY_CLIENT_ID, take), { sharedGroup: env.GATEWAY_SHARED_GROUP, heartbeatTimeoutMs: env.PILE_HEARTBEAT_TIMEOUT_SECONDS * 1000, gatewayLeaseMs: leaseMs, load: uplinkLoadLimits(env.GATEWAY_OVERLOADED_AT, env.GATEWAY_MAX_PENDING_MESSAGES, env.GATEWAY_MAX_HANDLING) });
  // The broker redelivers what this gateway had taken and not handled before it stopped; what the broker itself
  // lost meanwhile (a crash between its saves), the piles' latest statuses say.
  await replayRetainedStatuses(gateway.mqtt, topics);
  const departed = new DepartedGateways(ctx, gateway.uplinks, { ownName: env.GATEWAY_CLIENT_ID, leaseMs, sharedGroup: env.GATEWAY_SHARED_GROUP, connectAs });
  let adopting: Promise<unknown> = Promise.resolve();
  const adoptDeparted = () => {
    adopting = adopting.then(() => departed.sweep()).catch((err: unknown) => logger.error({ err }, 'adopting departed gateways failed'));
  };
  adoptDeparted();
  const adoption = setInterval(adoptDeparted, leaseMs / 2);
  logger.info({ group: env.GATEWAY_SHARED_GROUP, clientId: env.GATEWAY_CLIENT_ID }, 'gateway subscribed');
  return {
    logger,
    stop: async () => {
      clearInterval(adoption);
      await adopting;
      await gateway.stop();
      await lease.release();
      await temporal.connection.close();
      await hot.close();
      await db.close();
      await stopMetrics();
      await tracing.shutdown();
    },
  };
});
