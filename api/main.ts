import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDatabase } from '../db/database';
import { fragments, loadConfig } from '../infra/config';
import { createHotState } from '../infra/hot-state';
import { createLogger } from '../infra/logger';
import { runMain } from '../infra/process';
import { installTracing } from '../infra/tracing';
import { connectClient, ensureSearchAttributes, temporalTls } from '../infra/temporal';
import { apiConfig, buildApiDeps, startApi } from './server';

/** The API alone, against real services. */
runMain('api', async () => {
  const env = loadConfig(
    { ...apiConfig, ...fragments.temporalTls, ...fragments.database, ...fragments.redis, ...fragments.logging, ...fragments.tracing },
    process.env,
    ['TEMPORAL_ADDRESS', 'MYSQL_URL', 'REDIS_URL', 'JWT_SECRET'],
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'api' });
  const tracing = installTracing({ serviceName: env.OTEL_SERVICE_NAME ?? 'api', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
  const hot = createHotState(env.REDIS_URL, env.REDIS_KEY_PREFIX);
  const temporal = await connectClient({ address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, tls: temporalTls(env) });
  await ensureSearchAttributes(temporal, env.TEMPORAL_NAMESPACE);
  const deps = buildApiDeps(env, { db, hot, temporal, logger, metrics }, { jwtSecret: env.JWT_SECRET, embedded: false });
  await deps.staff.ensureFirstAdmin({ username: env.STAFF_ADMIN_USERNAME, password: env.STAFF_ADMIN_PASSWORD, dataDir: env.DATA_DIR, logger });
  const api = await startApi(deps, { port: env.PORT, host: env.HOST });
  logger.info({ url: api.url }, 'API listening');
  return {
    logger,
    stop: async () => {
      await api.close();
      await hot.close();
      await db.close();
      await temporal.connection.close();
      await tracing.shutdown();
    },
  };
});
