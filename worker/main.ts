import { NativeConnection } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDatabase } from '../db/database';
import { fragments, loadConfig } from '../infra/config';
import { createHotState } from '../infra/hot-state';
import { registerEngineMetrics } from '../infra/engine-metrics';
import { createLogger } from '../infra/logger';
import { connectMqtt } from '../infra/mqtt';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { pileTopics } from '../device-protocol/topics';
import { runMain, serveMetrics } from '../infra/process';
import { installTracing } from '../infra/tracing';
import { connectClient, temporalTls, ensureSearchAttributes, installTemporalRuntime } from '../infra/temporal';
import { ensureSweeperSchedule } from './session-sweeper';
import { ensureStatsRollupSchedule } from './stats-rollup';
import { buildRefundDesk, buildWeChatPay } from '../payments/wechat-pay/build';
import { TemporalReconciliationRuns } from '../payments/reconciliation-runs';
import { buildBillNotices, buildWorkerActivities, startWorker } from './worker';

/** The Temporal worker alone (workflows and activities), against real services. */
runMain('worker', async () => {
  const env = loadConfig(
    { ...fragments.temporal, ...fragments.temporalTls, ...fragments.database, ...fragments.redis, ...fragments.mqtt, ...fragments.pileKeys, ...fragments.worker, ...fragments.wechat, ...fragments.alarms, ...fragments.stats, ...fragments.metrics, ...fragments.logging, ...fragments.tracing },
    process.env,
    ['TEMPORAL_ADDRESS', 'MYSQL_URL', 'REDIS_URL', 'MQTT_URL', 'PILE_MASTER_KEY'],
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  const tracing = installTracing({ serviceName: env.OTEL_SERVICE_NAME ?? 'worker', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  installTemporalRuntime(env.LOG_LEVEL, { logger, metricsPort: env.TEMPORAL_SDK_METRICS_PORT });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const stopMetrics = await serveMetrics(metrics, env.METRICS_PORT);

  const temporalTlsConfig = temporalTls(env);
  const client = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, tls: temporalTlsConfig });
  await ensureSearchAttributes(client, env.TEMPORAL_NAMESPACE);
  await ensureSweeperSchedule(client, env.TEMPORAL_TASK_QUEUE);
  await ensureStatsRollupSchedule(client, env.TEMPORAL_TASK_QUEUE);

  const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
  const hot = createHotState(env.REDIS_URL, env.REDIS_KEY_PREFIX);
  registerEngineMetrics(metrics, { db, hot });
  const mqtt = await connectMqtt(env.MQTT_URL, mqttCredentials(env.PILE_MASTER_KEY, { role: 'commands', name: env.COMMANDS_CLIENT_ID }), { caFile: env.MQTT_CA_FILE });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS, tls: temporalTlsConfig });
  const wechatPay = buildWeChatPay(env, { db, temporal: client, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
  if (wechatPay) await new TemporalReconciliationRuns({ temporal: client, taskQueue: env.TEMPORAL_TASK_QUEUE }).ensureSchedule();
  const worker = await startWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    activities: buildWorkerActivities({
      db,
      hot,
      mqtt,
      pileMasterKey: env.PILE_MASTER_KEY,
      topics: pileTopics(env.MQTT_TOPIC_PREFIX),
      temporal: client,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      pendingTopUps: wechatPay?.topUps,
      payscore: wechatPay?.payscore,
      refunds: buildRefundDesk(db, wechatPay),
      reconciliation: wechatPay?.reconciliation,
      alarmEnv: env,
      statsEnv: env,
      billNotices: buildBillNotices(env, { db, temporal: client, taskQueue: env.TEMPORAL_TASK_QUEUE }),
    }),
    tuning: env,
    tracing,
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, ...worker.settings }, 'worker running');
  worker.done.catch((error) => {
    logger.fatal({ err: error }, 'worker crashed');
    process.exit(1);
  });
  return {
    logger,
    stop: async () => {
      await worker.stop();
      await connection.close();
      await client.connection.close();
      await mqtt.endAsync();
      await hot.close();
      await db.close();
      await stopMetrics();
      await tracing.shutdown();
    },
  };
});
