import { pileTopics, type PileTopics } from '../../device-protocol/topics';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fleetPileSpecs } from '../../simulator';
import { loadConfig } from '../../infra/config';
import type { Client } from '@temporalio/client';
import { connectClient, installTemporalRuntime } from '../../infra/temporal';
import { type RunningSystem, startSystem, systemConfig } from '../../system/system';
import { createTestDatabase, TEST_MQTT_URL, TEST_REDIS_URL, testRedisPrefix, uniqueId } from './services';
import { createLocalEnv } from './temporal';

export type Mode = 'real services' | 'embedded';

export interface TestSystem {
  system: RunningSystem;
  /** A Temporal client of the system's server (for visibility queries). */
  temporal: Client;
  /** The test database, in 'real services' mode (to check invariants the API does not show). */
  databaseUrl?: string;
  api: string;
  stationId: string;
  /** The MQTT topics of this system: its own prefix on the shared broker, so no other test's piles reach its gateway. */
  topics: PileTopics;
  stop(): Promise<void>;
  /** A simulated pile no other test of this system has taken; 'fast' ones (120 kW) meter energy within a second. */
  takePile(type?: 'fast' | 'slow'): string;
  /** A token for a user of the given role (dev login). */
  login(name: string, role?: string): Promise<string>;
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
}

/**
 * The whole platform for a test. 'real services': MariaDB, Redis and Mosquitto on this machine and a Temporal
 * dev server; 'embedded': exactly what `npm start` runs on a fresh machine (SQLite, in-process hot store and
 * broker, a dev server on a SQLite file). Ports are free ones; the station and pile ids are unique per call.
 */
export async function startTestSystem(mode: Mode, env: Record<string, string> = {}, options: Parameters<typeof startSystem>[1] = {}): Promise<TestSystem> {
  const stationId = uniqueId('station');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-test-'));
  const cleanups: (() => Promise<void>)[] = [async () => fs.rmSync(dataDir, { recursive: true, force: true })];
  const base: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SIM_STATION_ID: stationId,
    SIM_PILES: '2',
    SIM_TELEMETRY_INTERVAL_MS: '200',
    LOG_LEVEL: 'warn',
    TEMPORAL_PORT: '0',
    TEMPORAL_UI_PORT: '0',
    MQTT_PORT: '0',
    OCPP_PORT: '0',
    TEMPORAL_TASK_QUEUE: uniqueId('sessions'),
    GATEWAY_CLIENT_ID: uniqueId('gateway'),
    GATEWAY_PERSISTENT_SESSION: 'false',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    TOP_UP_RATE_LIMIT_PER_MINUTE: '100000',
    PAYMENTS_PROVIDER: 'sandbox',
  };
  installTemporalRuntime(env.LOG_LEVEL ?? base.LOG_LEVEL);
  let temporal: TestWorkflowEnvironment | undefined;
  let databaseUrl: string | undefined;
  if (mode === 'real services') {
    temporal = await createLocalEnv();
    cleanups.push(() => temporal!.teardown());
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    databaseUrl = database.url;
    Object.assign(base, {
      TEMPORAL_ADDRESS: temporal.address,
      MYSQL_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: testRedisPrefix(),
      MQTT_URL: TEST_MQTT_URL,
      // The machine's broker carries every test's piles: a prefix of its own keeps this system's gateway to its own.
      MQTT_TOPIC_PREFIX: `test/${uniqueId('system')}`,
      GATEWAY_SHARED_GROUP: uniqueId('gw'),
    });
  }
  let system: RunningSystem;
  try {
    system = await startSystem(loadConfig(systemConfig, { ...base, ...env }), options);
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw error;
  }
  const temporalClient = await connectClient({ address: system.temporalAddress, namespace: 'default' });
  cleanups.push(() => temporalClient.connection.close());
  const call: TestSystem['call'] = async (method, url, options = {}) => {
    const response = await fetch(`${system.apiUrl}${url}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const taken = new Set<string>();
  return {
    takePile(type = 'slow') {
      const spec = fleetPileSpecs(stationId, system.fleet!.size).find((p) => p.type === type && !taken.has(p.pileId));
      if (!spec) throw new Error(`no ${type} pile left; start the system with more SIM_PILES`);
      taken.add(spec.pileId);
      return spec.pileId;
    },
    system,
    temporal: temporalClient,
    databaseUrl,
    api: system.apiUrl,
    stationId,
    topics: pileTopics({ ...base, ...env }.MQTT_TOPIC_PREFIX),
    call,
    async login(name, role = 'driver') {
      const { body } = await call('POST', '/api/v1/auth/dev-login', { body: { name, role } });
      return body.token;
    },
    async stop() {
      await system.stop();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}
