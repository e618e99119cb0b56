import { NativeConnection } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type z } from 'zod';
import type { PaymentProvider } from '../activities/ports';
import { apiConfig, buildApiDeps, startApi } from '../api/server';
import { createDatabase, ensurePrivateDataDir } from '../db/database';
import { seedDemo } from './seed-demo';
import { uplinkLoadLimits } from '../device-gateway/uplink-load';
import { buildGatewayContext, startGateway } from '../device-gateway/gateway';
import { startSimulator } from '../simulator';
import { fragments } from '../infra/config';
import { startEmbeddedBroker } from '../infra/embedded-broker';
import { createHotState } from '../infra/hot-state';
import { sessionPolicyFrom } from '../infra/session-policy';
import { createLogger, type Logger } from '../infra/logger';
import { connectMqtt } from '../infra/mqtt';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { pileTopics } from '../device-protocol/topics';
import type { Stop } from '../infra/process';
import { installTracing, type Tracing } from '../infra/tracing';
import { connectClient, ensureSearchAttributes, installTemporalRuntime } from '../infra/temporal';
import { ensureSweeperSchedule } from '../worker/session-sweeper';
import { ensureStatsRollupSchedule } from '../worker/stats-rollup';
import { buildBillNotices, buildWorkerActivities, startWorker } from '../worker/worker';
import { buildRefundDesk, buildWeChatPay } from '../payments/wechat-pay/build';
import { TemporalReconciliationRuns } from '../payments/reconciliation-runs';
import { embeddedSecrets } from '../infra/embedded-secrets';
import { startDevServer } from './temporal-dev-server';
import { buildOcppContext } from '../ocpp/build';
import { startCentralSystem } from '../ocpp/central-system';

export const systemConfig = {
  ...apiConfig,
  ...fragments.embeddedTemporal,
  ...fragments.database,
  ...fragments.redis,
  ...fragments.mqtt,
  ...fragments.pileKeys,
  ...fragments.gateway,
  ...fragments.ocpp,
  /** Embedded: a port of its own beside the API's, so `npm start` does not take 9000 from whatever else uses it. */
  OCPP_PORT: fragments.ocpp.OCPP_PORT.unwrap().default(19000),
  ...fragments.simulator,
  ...fragments.worker,
  ...fragments.logging,
  ...fragments.tracing,
};
export type SystemEnv = z.infer<z.ZodObject<typeof systemConfig>>;

export interface RunningSystem {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  mqttUrl: string;
  /** The OCPP 1.6J central system: chargers connect to `${ocppUrl}/ocpp/1.6/{chargePointId}`. */
  ocppUrl: string;
  fleet?: Awaited<ReturnType<typeof startSimulator>>;
  logger: Logger;
  stop: Stop;
}

/**
 * The whole platform in one process. Every engine whose URL is unset runs embedded: a Temporal dev server
 * (SQLite file, Web UI), SQLite through the same Sequelize models, the in-process hot store and an in-process
 * MQTT broker. Set TEMPORAL_ADDRESS, MYSQL_URL, REDIS_URL or MQTT_URL to use real services instead.
 */
export async function startSystem(
  env: SystemEnv,
  options: { wrapPayments?: (payments: PaymentProvider) => PaymentProvider; tracing?: Tracing } = {},
): Promise<RunningSystem> {
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'evcp' });
  installTemporalRuntime(env.LOG_LEVEL, { logger });
  const tracing = options.tracing ?? installTracing({ serviceName: env.OTEL_SERVICE_NAME ?? 'evcp', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const stops: Stop[] = [() => tracing.shutdown()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'error while stopping'));
  };
  try {
    ensurePrivateDataDir(env.DATA_DIR);
    const secrets = embeddedSecrets(env.DATA_DIR, env);
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });

    let temporalAddress = env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      const devServer = await startDevServer(
        { cliPath: env.TEMPORAL_CLI_PATH, dataDir: env.DATA_DIR, namespace: env.TEMPORAL_NAMESPACE, port: env.TEMPORAL_PORT, uiPort: env.TEMPORAL_UI_PORT },
        logger,
      );
      stops.push(() => devServer.stop());
      temporalAddress = devServer.address;
      temporalUiUrl = `http://localhost:${env.TEMPORAL_UI_PORT || Number(temporalAddress.split(':').pop()) + 1000}`;
    }
    const temporal = await connectClient({ address: temporalAddress, namespace: env.TEMPORAL_NAMESPACE });
    stops.push(() => temporal.connection.close());
    await ensureSearchAttributes(temporal, env.TEMPORAL_NAMESPACE);

    const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
    stops.push(() => db.close());
    await db.migrate();
    if (env.SIM_PILES > 0) await seedDemo(db, { stationId: env.SIM_STATION_ID, pileCount: env.SIM_PILES });

    const hot = createHotState(env.REDIS_URL, env.REDIS_KEY_PREFIX);
    stops.push(() => hot.close());

    const topics = pileTopics(env.MQTT_TOPIC_PREFIX);
    let mqttUrl = env.MQTT_URL;
    let sharedGroup = env.GATEWAY_SHARED_GROUP;
    if (!mqttUrl) {
      const broker = await startEmbeddedBroker({ port: env.MQTT_PORT, masterKey: secrets.pileMasterKey, topics });
      stops.push(() => broker.close());
      mqttUrl = broker.url;
      sharedGroup = '';
    }

    const workerMqtt = await connectMqtt(mqttUrl, mqttCredentials(secrets.pileMasterKey, { role: 'commands', name: env.COMMANDS_CLIENT_ID }));
    stops.push(() => workerMqtt.endAsync());
    const workerConnection = await NativeConnection.connect({ address: temporalAddress });
    stops.push(() => workerConnection.close());
    const wechatPay = buildWeChatPay(env, { db, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
    const worker = await startWorker({
      connection: workerConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      activities: buildWorkerActivities({
        db,
        hot,
        mqtt: workerMqtt,
        pileMasterKey: secrets.pileMasterKey,
        topics,
        temporal,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        wrapPayments: options.wrapPayments,
        pendingTopUps: wechatPay?.topUps,
        payscore: wechatPay?.payscore,
        refunds: buildRefundDesk(db, wechatPay),
        reconciliation: wechatPay?.reconciliation,
        alarmEnv: env,
        statsEnv: env,
        billNotices: buildBillNotices(env, { db, temporal: temporal, taskQueue: env.TEMPORAL_TASK_QUEUE }),
      }),
      tuning: env,
      tracing,
    });
    stops.push(() => worker.stop());
    await ensureSweeperSchedule(temporal, env.TEMPORAL_TASK_QUEUE);
    if (wechatPay) await new TemporalReconciliationRuns({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE }).ensureSchedule();
    await ensureStatsRollupSchedule(temporal, env.TEMPORAL_TASK_QUEUE);
    worker.done.catch((err) => logger.fatal({ err }, 'worker stopped unexpectedly'));

    const gatewayContext = buildGatewayContext({ db, hot, temporal, logger: logger.child({ component: 'gateway' }), metrics, topics, checkpointIntervalMs: env.CHECKPOINT_INTERVAL_SECONDS * 1000, taskQueue: env.TEMPORAL_TASK_QUEUE, alarmQuietMs: env.ALARM_QUIET_SECONDS * 1000 });
    const gateway = await startGateway(
      gatewayContext,
      (take) => connectMqtt(mqttUrl, mqttCredentials(secrets.pileMasterKey, { role: 'gateway', name: env.GATEWAY_CLIENT_ID }), { persistent: env.GATEWAY_PERSISTENT_SESSION, take }),
      { sharedGroup, heartbeatTimeoutMs: env.PILE_HEARTBEAT_TIMEOUT_SECONDS * 1000, load: uplinkLoadLimits(env.GATEWAY_OVERLOADED_AT, env.GATEWAY_MAX_PENDING_MESSAGES, env.GATEWAY_MAX_HANDLING) },
    );
    stops.push(() => gateway.stop());
    const ocpp = await startCentralSystem(
      buildOcppContext({
        gateway: { ...gatewayContext, logger: logger.child({ component: 'ocpp' }) },
        db,
        heartbeatIntervalS: env.OCPP_HEARTBEAT_INTERVAL_SECONDS,
        heartbeatTimeoutMs: env.PILE_HEARTBEAT_TIMEOUT_SECONDS * 1000,
        sessions: { temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, policy: sessionPolicyFrom(env) },
      }),
      { port: env.OCPP_PORT, host: env.OCPP_HOST, masterKey: secrets.pileMasterKey },
    );
    stops.push(() => ocpp.stop());

    const apiDeps = buildApiDeps(env, { db, hot, temporal, logger: logger.child({ component: 'api' }), metrics }, { jwtSecret: secrets.jwtSecret, embedded: true, pileMasterKey: secrets.pileMasterKey, temporalUiUrl });
    await apiDeps.staff.ensureFirstAdmin({ username: env.STAFF_ADMIN_USERNAME, password: env.STAFF_ADMIN_PASSWORD, dataDir: env.DATA_DIR, logger });
    const api = await startApi(apiDeps, { port: env.PORT, host: env.HOST });
    stops.push(() => api.close());

    const fleet =
      env.SIM_PILES > 0
        ? await startSimulator({
            mqttUrl,
            masterKey: secrets.pileMasterKey,
            topics,
            stationId: env.SIM_STATION_ID,
            count: env.SIM_PILES,
            telemetryIntervalMs: env.SIM_TELEMETRY_INTERVAL_MS,
            logger: logger.child({ component: 'simulator' }),
          })
        : undefined;
    if (fleet) stops.push(() => fleet.stop());

    return { apiUrl: api.url, temporalAddress, temporalUiUrl, mqttUrl, ocppUrl: ocpp.url, fleet, logger, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
