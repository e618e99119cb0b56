import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

/**
 * The real engines tests talk to: MariaDB/MySQL, Redis and Mosquitto on this machine (override with
 * TEST_MYSQL_URL, TEST_REDIS_URL, TEST_MQTT_URL). Each test file gets its own database and Redis db index.
 */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const TEST_MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const TEST_REDIS_BASE = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const TEST_REDIS_URL = TEST_REDIS_BASE;

/** A key prefix of this test's own: runs sharing the Redis (other files, other people) never see each other's keys. */
export const testRedisPrefix = () => `${uniqueId('test')}:`;

/** A new, empty database on the test MySQL server; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `evcp_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = await mysql.createConnection(TEST_MYSQL_URL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const conn = await mysql.createConnection(TEST_MYSQL_URL);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** A fresh data directory for an embedded SQLite database; `drop()` removes it. */
export async function createTestSqliteDir(): Promise<{ dir: string; drop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-sqlite-'));
  return { dir, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
