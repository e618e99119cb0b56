import { Gauge, type Registry } from 'prom-client';
import type { Sequelize } from 'sequelize';
import type { HotState } from './hot-state';

const PING_TIMEOUT_MS = 1000;

/** What sequelize-pool tells about itself (MySQL only; the SQLite dialect keeps no pool). */
interface PoolCounts {
  size: number;
  available: number;
  using: number;
  waiting: number;
}

/** Only the Sequelize instance is read: infra sits below db/, so it takes the engine, not the repositories. */
type SqlEngine = { sequelize: Sequelize };

function poolOf(db: SqlEngine): PoolCounts | undefined {
  const pool = (db.sequelize.connectionManager as unknown as { pool?: Partial<PoolCounts> }).pool;
  return pool && typeof pool.size === 'number' ? (pool as PoolCounts) : undefined;
}

/**
 * Gauges of the engines a process talks to, measured when Prometheus scrapes: the database connection pool
 * (connections open, idle, in use, and requests waiting for one) and the hot store's round trip (a PING).
 */
export function registerEngineMetrics(registry: Registry, engines: { db: SqlEngine; hot: HotState }): void {
  new Gauge({
    name: 'evcp_db_pool_connections',
    help: 'Database connection pool: open (size), idle (available), in use (using), and acquire requests waiting (waiting)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = poolOf(engines.db);
      if (!pool) return;
      for (const state of ['size', 'available', 'using', 'waiting'] as const) this.set({ state }, pool[state]);
    },
  });
  new Gauge({
    name: 'evcp_redis_ping_seconds',
    help: 'Round trip of one PING to the hot store (Redis), measured at scrape time; NaN when it fails or takes over a second',
    registers: [registry],
    async collect() {
      const started = process.hrtime.bigint();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([engines.hot.ping(), timeout]);
        this.set(Number(process.hrtime.bigint() - started) / 1e9);
      } catch {
        // An unreachable hot store must not break the whole /metrics answer; NaN shows the gap on the graph.
        this.set(Number.NaN);
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
