import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { Connection } from '@temporalio/client';
import { listeningPid } from '../../system/process-ownership';
import { type Child, freePort, startChild, startOnFreePorts, waitForPort } from './child';

export type TemporalPersistence = 'memory' | 'sqlite';

/** The real engines one scenario runs against, each new for the run. */
export interface Engines {
  mqttUrl: string;
  redisUrl: string;
  mysqlUrl: string;
  temporalAddress: string;
  temporalPersistence: TemporalPersistence;
  /** Engine processes this run started, and the shared MariaDB server when it runs on this machine, for CPU/RSS figures. */
  pids: Record<string, number>;
  describe(): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Mosquitto and Redis run as instances of their own on free ports (the machine's binaries, so the same real
 * engines) and the Temporal dev server likewise: the tests other people run against the shared broker never
 * see 10,000 benchmark piles, and nothing of theirs disturbs the figures. BENCH_MQTT_URL and BENCH_REDIS_URL
 * point a run at existing ones instead. MariaDB is shared; each run gets a database of its own.
 */
export async function startEngines(options: { temporal: TemporalPersistence }): Promise<Engines> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-bench-'));
  const stops: (() => Promise<void>)[] = [async () => fs.rmSync(workDir, { recursive: true, force: true })];
  const pids: Record<string, number> = {};
  const keep = (name: string, child: Child) => {
    pids[name] = child.pid;
    stops.push(() => child.stop());
  };
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const mqttUrl = process.env.BENCH_MQTT_URL ?? (await startMosquitto(workDir, keep));
    const redisUrl = process.env.BENCH_REDIS_URL ?? (await startRedis(keep));
    const temporalAddress = await startTemporal(workDir, options.temporal, keep);
    const database = await createBenchDatabase();
    stops.push(database.drop);
    const mariadb = localDatabasePid(database.url);
    if (mariadb !== undefined) pids.mariadb = mariadb;
    return {
      mqttUrl,
      redisUrl,
      mysqlUrl: database.url,
      temporalAddress,
      temporalPersistence: options.temporal,
      pids,
      describe: () => ({
        broker: process.env.BENCH_MQTT_URL ? `Mosquitto at ${mqttUrl}` : 'Mosquitto (own instance, no persistence)',
        redis: process.env.BENCH_REDIS_URL ? `Redis at ${redisUrl}` : 'Redis (own instance, no persistence)',
        temporal: `temporal server start-dev, ${options.temporal === 'memory' ? 'in memory' : 'SQLite file'}`,
        database: `MariaDB (fresh database${mariadb === undefined ? '' : '; its CPU is the shared server\'s, other clients included'})`,
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startMosquitto(workDir: string, keep: (name: string, child: Child) => void): Promise<string> {
  return startOnFreePorts(async () => {
    const port = await freePort();
    const config = path.join(workDir, 'mosquitto.conf');
    // The per-client queue of ops/mosquitto/mosquitto.conf: with the default (1,000) a gateway that falls behind has
    // QoS 1 events dropped by the broker before it could shed or hold anything itself.
    const queue = ['max_queued_messages 20000', 'max_queued_bytes 16777216'];
    fs.writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', ...queue, 'log_dest stderr', 'log_type error', 'connection_messages false', ''].join('\n'));
    const child = startChild(binary('mosquitto', '/usr/sbin/mosquitto'), ['-c', config], { raiseFileLimit: true });
    await listening(child, port, 10_000, 'broker', keep);
    return `mqtt://127.0.0.1:${port}`;
  });
}

async function startRedis(keep: (name: string, child: Child) => void): Promise<string> {
  return startOnFreePorts(async () => {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    const child = startChild(binary('redis-server', '/usr/bin/redis-server'), args, { raiseFileLimit: true });
    await listening(child, port, 10_000, 'redis', keep);
    return `redis://127.0.0.1:${port}`;
  });
}

async function startTemporal(workDir: string, persistence: TemporalPersistence, keep: (name: string, child: Child) => void): Promise<string> {
  const address = await startOnFreePorts(async () => {
    const port = await freePort();
    // The HTTP API otherwise takes the gRPC port + 1000, which another process on a shared machine may hold.
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(await freePort()), '--log-level', 'error'];
    if (persistence === 'sqlite') args.push('--db-filename', path.join(workDir, `temporal-${port}.sqlite`));
    const child = startChild(process.env.TEMPORAL_CLI_PATH ?? 'temporal', args, { raiseFileLimit: true });
    await listening(child, port, 60_000, 'temporal', keep);
    return `127.0.0.1:${port}`;
  });
  const connection = await Connection.connect({ address });
  try {
    await untilResolves(() => connection.workflowService.describeNamespace({ namespace: 'default' }), 30_000);
  } finally {
    await connection.close();
  }
  return address;
}

/** Waits for `child` to listen on `port`, then keeps it as `name`; stops it when it does not. */
async function listening(child: Child, port: number, timeoutMs: number, name: string, keep: (name: string, child: Child) => void): Promise<void> {
  try {
    await waitForPort(port, timeoutMs, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  keep(name, child);
}

export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const name = `evcp_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = await mysql.createConnection(adminUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const connection = await mysql.createConnection(adminUrl);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/** The pid of the MariaDB server behind `databaseUrl` when it listens on this machine (undefined elsewhere). */
function localDatabasePid(databaseUrl: string): number | undefined {
  const url = new URL(databaseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  return listeningPid(Number(url.port || 3306));
}

function binary(name: string, usual: string): string {
  return fs.existsSync(usual) ? usual : name;
}

async function untilResolves(attempt: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
