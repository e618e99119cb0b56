import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../bench/lib/child';
import { TEST_MQTT_URL, TEST_REDIS_URL, testRedisPrefix } from './services';

const ROOT = path.resolve(__dirname, '../..');

/** The compiled entry point of a role; the suite's `pretest` step builds dist/. */
export function entryPoint(relative: string): string {
  const file = path.join(ROOT, 'dist', relative);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  return file;
}

export { freePort };

export function runToCompletion(relative: string, env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [entryPoint(relative)], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${relative} failed (${result.status}): ${result.stderr}${result.stdout}`);
}

/** What a worker process (`worker/main.js`) needs on the machine's engines: its own Redis prefix, pile key and metrics port. */
export async function workerProcessEnv(engines: { temporalAddress: string; mysqlUrl: string; taskQueue: string }, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    TEMPORAL_ADDRESS: engines.temporalAddress,
    TEMPORAL_TASK_QUEUE: engines.taskQueue,
    MYSQL_URL: engines.mysqlUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(),
    MQTT_URL: TEST_MQTT_URL,
    PILE_MASTER_KEY: randomBytes(32).toString('hex'),
    METRICS_PORT: String(await freePort()),
    ...extra,
  };
}

/** Calls the API of platform processes a test runs (JSON in, JSON out), as a driver's app would. */
export function apiCaller(baseUrl: () => string) {
  return async (method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${baseUrl()}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
}

/** One platform process (api, worker, gateway) that a test can kill -9 and start again. */
export class RoleProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly name: string,
    private readonly relative: string,
    readonly environment: Record<string, string>,
    /** A line the process logs once it is ready. */
    private readonly readyWhen: RegExp,
  ) {}

  /**
   * Another process may take a METRICS_PORT from freePort between a kill -9 and the restart. The process then
   * refuses to start, as it should; the test gets a fresh port.
   */
  async start(): Promise<void> {
    try {
      await this.startOnce();
    } catch (error) {
      if (!/METRICS_PORT \d+ is already in use/.test(this.output)) throw error;
      this.environment.METRICS_PORT = String(await freePort());
      await this.startOnce();
    }
  }

  private async startOnce(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [entryPoint(this.relative)], { env: { ...process.env, ...this.environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (chunk) => (this.output += chunk));
    child.stderr.on('data', (chunk) => (this.output += chunk));
    const deadline = Date.now() + 60_000;
    while (!this.readyWhen.test(this.output)) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not become ready:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: no shutdown hooks, no goodbye to the broker or Temporal. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How the last run ended: its exit code, or null while running or when a signal ended it. */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  get log(): string {
    return this.output;
  }
}
