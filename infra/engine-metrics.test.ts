import { Registry } from 'prom-client';
import { createDatabase, type Database } from '../db/database';
import { createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '../test/support/services';
import { registerEngineMetrics } from './engine-metrics';
import { createHotState, type HotState } from './hot-state';

describe('engine metrics', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let hot: HotState;
  let registry: Registry;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ mysqlUrl: testDb.url, dataDir: '' });
    hot = createHotState(TEST_REDIS_URL, testRedisPrefix());
    registry = new Registry();
    registerEngineMetrics(registry, { db, hot });
  });
  afterAll(async () => {
    await hot.close();
    await db.close();
    await testDb.drop();
  });

  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
  };

  it('counts a database connection in use while a query holds it', async () => {
    await db.transaction(async () => {
      expect(await value('evcp_db_pool_connections', { state: 'using' })).toBe(1);
    });
    expect(await value('evcp_db_pool_connections', { state: 'using' })).toBe(0);
  });

  it('measures a Redis round trip', async () => {
    const seconds = await value('evcp_redis_ping_seconds');
    expect(seconds).toBeGreaterThan(0);
  });

  it('reports NaN instead of failing the scrape when the hot store is gone', async () => {
    const gone = createHotState(TEST_REDIS_URL, testRedisPrefix());
    await gone.close();
    const own = new Registry();
    registerEngineMetrics(own, { db, hot: gone });
    const text = await own.metrics();
    expect(text).toMatch(/^evcp_redis_ping_seconds NaN$/im);
  });
});
