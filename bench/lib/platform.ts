import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { type Child, freePort, startChild } from './child';
import type { Engines } from './engines';
import { note } from './report';

export type Role = 'gateway' | 'api' | 'worker' | 'ocpp';

const DIST = path.resolve(__dirname, '..', '..');
const ENTRY: Record<Role, string> = { gateway: 'device-gateway/main.js', api: 'api/main.js', worker: 'worker/main.js', ocpp: 'ocpp/main.js' };
/** The log line each process writes once it serves. */
const READY: Record<Role, string> = {
  gateway: '"msg":"gateway subscribed"',
  api: '"msg":"API listening"',
  worker: '"msg":"worker running"',
  ocpp: '"msg":"OCPP central system listening"',
};

export interface PlatformProcess {
  role: Role;
  pid: number;
  /** The API's base URL. */
  url: string;
  /** Prometheus endpoint (the API serves it on its own port). */
  metricsUrl: string;
  child: Child;
}

/**
 * The platform's own entry points (dist/api/main.js, dist/device-gateway/main.js, dist/worker/main.js,
 * dist/ocpp/main.js), each a separate process configured only through the environment, as in production.
 */
export class Platform {
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly pileMasterKey = randomBytes(32).toString('hex');
  readonly taskQueue = 'bench-charging-sessions';
  private readonly running: PlatformProcess[] = [];

  constructor(
    readonly engines: Engines,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(role: Role, env: Record<string, string> = {}): Promise<PlatformProcess> {
    const port = await freePort();
    // BENCH_CPU_PROFILE_DIR=dir: every platform process writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
    const child = startChild(process.execPath, [...profile, path.join(DIST, ENTRY[role])], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: this.engines.temporalAddress,
        TEMPORAL_TASK_QUEUE: this.taskQueue,
        MYSQL_URL: this.engines.mysqlUrl,
        REDIS_URL: this.engines.redisUrl,
        MQTT_URL: this.engines.mqttUrl,
        JWT_SECRET: this.jwtSecret,
        PILE_MASTER_KEY: this.pileMasterKey,
        GATEWAY_SHARED_GROUP: 'bench-gateways',
        GATEWAY_CLIENT_ID: `bench-gateway-${this.running.length}`,
        GATEWAY_PERSISTENT_SESSION: 'false',
        AUTH_DEV_LOGIN: 'true',
        // Benchmark drivers top up from the sandbox, and every live watcher connects from this one address.
        PAYMENTS_PROVIDER: 'sandbox',
        WS_MAX_CONNECTIONS_PER_IP: '1000000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
        TOP_UP_RATE_LIMIT_PER_MINUTE: '1000000',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: String(port),
        // A directory of its own: DATA_DIR is tightened to 0700 and holds the first admin's password.
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `evcp-bench-${role}-`)),
        LOG_LEVEL: 'info',
        ...this.env,
        ...env,
        // BENCH_GATEWAY_NODE_OPTIONS: Node/V8 flags for the gateways only (e.g. a GC setting under test).
        ...(role === 'gateway' && process.env.BENCH_GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS } : {}),
      },
      raiseFileLimit: true,
    });
    await child.waitForLine((line) => line.includes(READY[role]), 90_000);
    if (process.env.BENCH_CPU_PROFILE_DIR) note(`${role} is pid ${child.pid} (its CPU profile is named after the pid)`);
    const url = `http://127.0.0.1:${port}`;
    const started = { role, pid: child.pid, url, metricsUrl: `${url}/metrics`, child };
    this.running.push(started);
    return started;
  }

  async stop(): Promise<void> {
    // Writing a CPU profile at exit takes a while: a process killed for being slow to stop leaves none.
    const graceMs = process.env.BENCH_CPU_PROFILE_DIR ? 120_000 : undefined;
    await Promise.all(this.running.splice(0).map((p) => p.child.stop('SIGTERM', graceMs)));
  }
}

/** Sums a Prometheus counter over the series whose labels include `labels`. */
export async function readCounter(metricsUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sumSeries(await (await fetch(metricsUrl)).text(), name, labels);
}

/** Several metrics of one scrape (gauges that each scrape resets, such as prom-client's event-loop lag, must be read together). */
export async function readMetrics<N extends string>(metricsUrl: string, names: N[]): Promise<Record<N, number>> {
  const text = await (await fetch(metricsUrl)).text();
  return Object.fromEntries(names.map((name) => [name, sumSeries(text, name, {})])) as Record<N, number>;
}

/** A histogram's cumulative bucket counts (upper bound in seconds → observations at or below it), summed over label sets matching `labels`. */
export async function readHistogram(metricsUrl: string, name: string, labels: Record<string, string> = {}): Promise<Map<number, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !wanted.every((w) => line.includes(w))) continue;
    const le = /le="([^"]+)"/.exec(line)![1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets;
}

function sumSeries(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
