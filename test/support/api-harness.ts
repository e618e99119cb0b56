import { FavouriteStations } from '../../db/favourites';
import { StationDirectory } from '../../db/stations';
import type { Client } from '@temporalio/client';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { ApiDeps } from '../../api/context';
import type { DriverFeatureDeps } from '../../api/routes/driver';
import { apiConfig, buildApiDeps } from '../../api/server';
import { hash } from '@node-rs/argon2';
import { createDatabase, type Database } from '../../db/database';
import type { StaffRole } from '../../db/models';
import { StaffAccounts } from '../../db/staff-accounts';
import { loadConfig } from '../../infra/config';
import { RedisHotState } from '../../infra/hot-state';
import { createLogger } from '../../infra/logger';
import { createTestDatabase, createTestSqliteDir, TEST_REDIS_URL, testRedisPrefix } from './services';

export interface TestApi {
  deps: ApiDeps;
  db: Database;
  hot: RedisHotState;
  /** supertest over `app.callback()`: no port. */
  http: ReturnType<typeof request>;
  /** Another app over the same database and hot store, with some dependencies replaced. */
  httpWith(overrides: Partial<ApiDeps> & DriverFeatureDeps): ReturnType<typeof request>;
  /** Signs in by dev login; the token and the user's id. */
  login(name: string, role?: string): Promise<{ token: string; userId: string }>;
  /** Creates a staff account (straight into the tables, no audit entry) and signs it in by password. */
  staffLogin(username: string, role: StaffRole): Promise<{ token: string; userId: string; password: string }>;
  stop(): Promise<void>;
}

/**
 * The API alone over a fresh MariaDB database and this worker's Redis db, without Temporal: for routes that
 * read and write the database and the hot store only. Sessions are written straight into the tables. Defaults are
 * embedded mode's (dev login, sandbox top-ups); `env` adds settings, e.g. AUTH_DEV_LOGIN_STAFF for staff logins; a
 * `temporal` client (of a test server) serves the session routes; `database: 'SQLite'` runs on embedded mode's SQLite file.
 */
export async function startTestApi(
  extra: DriverFeatureDeps = {},
  env: Record<string, string> = {},
  engine: { temporal?: Client; database?: 'MariaDB' | 'SQLite' } = {},
): Promise<TestApi> {
  const sqlite = engine.database === 'SQLite' ? await createTestSqliteDir() : undefined;
  const mysql = sqlite ? undefined : await createTestDatabase();
  const database = (sqlite ?? mysql)!;
  const db = createDatabase({ mysqlUrl: mysql?.url, dataDir: sqlite?.dir ?? '.unused' });
  await db.migrate();
  const hot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: testRedisPrefix() });
  const config = loadConfig(apiConfig, { TEMPORAL_TASK_QUEUE: 'not-used', PAYMENTS_PROVIDER: 'sandbox', LOGIN_RATE_LIMIT_PER_MINUTE: '1000', TOP_UP_RATE_LIMIT_PER_MINUTE: '1000', ...env });
  const engines = { db, hot, temporal: engine.temporal ?? ({} as Client), logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'api-test' }), metrics: new Registry() };
  // Tests add stations as they go: read the catalogue afresh on every request.
  const stations = new StationDirectory({ db, hot, cacheTtlMs: 0 });
  const deps: ApiDeps = {
    ...buildApiDeps(config, engines, { jwtSecret: 'a-test-secret-that-is-long-enough-for-hs256', embedded: true }),
    stations,
    favourites: new FavouriteStations({ db, stations }),
    ...extra,
  };
  const http = request(createApp(deps).callback());
  return {
    deps,
    db,
    hot,
    http,
    httpWith: (overrides) => request(createApp({ ...deps, metrics: new Registry(), ...overrides }).callback()),
    async login(name, role = 'driver') {
      const { body } = await http.post('/api/v1/auth/dev-login').send({ name, role }).expect(200);
      return { token: body.token, userId: body.user.id };
    },
    async staffLogin(username, role) {
      const password = `${username}-password`;
      const staff = await new StaffAccounts(db).create({ username, role, passwordHash: await hash(password) });
      const { body } = await http.post('/api/v1/auth/staff-login').send({ username, password }).expect(200);
      return { token: body.token, userId: staff.id, password };
    },
    async stop() {
      await hot.close();
      await db.close();
      await database.drop();
    },
  };
}
