import { createDatabase, type Database } from '../../db/database';
import { createTestDatabase, createTestSqliteDir } from './services';

/** A new, empty database (not migrated) and how to remove it. */
export interface FreshDatabase {
  db: Database;
  drop(): Promise<void>;
}

export const freshMariaDb = (): Promise<FreshDatabase> => createTestDatabase().then((d) => ({ db: createDatabase({ mysqlUrl: d.url, dataDir: '.unused' }), drop: d.drop }));
export const freshSqlite = (): Promise<FreshDatabase> => createTestSqliteDir().then((d) => ({ db: createDatabase({ dataDir: d.dir }), drop: d.drop }));

/** For `describe.each`: the dialect's name and how to get a fresh database of it. */
export const BOTH_DIALECTS: [string, () => Promise<FreshDatabase>][] = [
  ['MariaDB', freshMariaDb],
  ['SQLite', freshSqlite],
];
