import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { ConfigError } from '../infra/config';
import { retryTransient } from '../infra/retry';
import * as initialSchema from './migrations/0001-initial-schema';
import * as driverFeatures from './migrations/0002-driver-features';
import * as sessionRequestKeys from './migrations/0003-session-request-keys';
import * as staffAccounts from './migrations/0004-staff-accounts-and-audit';
import * as fleetAdmin from './migrations/0005-fleet-admin';
import * as pileCommands from './migrations/0006-pile-commands';
import * as alarmHandling from './migrations/0007-alarm-handling';
import * as withdrawals from './migrations/0008-withdrawals-and-refunds';
import * as statsRollups from './migrations/0009-stats-rollups';
import * as orderReviews from './migrations/0010-order-reviews';
import * as driverAccounts from './migrations/0011-driver-accounts';
import * as ocpp from './migrations/0012-ocpp';
import * as reconciliation from './migrations/0013-reconciliation';
import * as ledger from './migrations/0014-ledger';
import * as payscore from './migrations/0015-payscore';
import * as payscoreAuthorizations from './migrations/0016-payscore-authorizations';
import * as ocppConnectors from './migrations/0017-ocpp-connectors';
import * as idTags from './migrations/0019-id-tags';
import { defineModels, type Models } from './models';

/** Migrations in order. A new schema change is a new file appended here. */
export const MIGRATIONS = [
  { name: '0001-initial-schema', ...initialSchema },
  { name: '0002-driver-features', ...driverFeatures },
  { name: '0003-session-request-keys', ...sessionRequestKeys },
  { name: '0004-staff-accounts-and-audit', ...staffAccounts },
  { name: '0005-fleet-admin', ...fleetAdmin },
  { name: '0006-pile-commands', ...pileCommands },
  { name: '0007-alarm-handling', ...alarmHandling },
  { name: '0008-withdrawals-and-refunds', ...withdrawals },
  { name: '0009-stats-rollups', ...statsRollups },
  { name: '0010-order-reviews', ...orderReviews },
  { name: '0011-driver-accounts', ...driverAccounts },
  { name: '0012-ocpp', ...ocpp },
  { name: '0013-reconciliation', ...reconciliation },
  { name: '0014-ledger', ...ledger },
  { name: '0015-payscore', ...payscore },
  { name: '0016-payscore-authorizations', ...payscoreAuthorizations },
  { name: '0017-ocpp-connectors', ...ocppConnectors },
  { name: '0019-id-tags', ...idTags },
];

export interface Database {
  sequelize: Sequelize;
  /** The models of this database's tables, for the repositories built on it. */
  models: Models;
  /** Runs `work` in a transaction that takes write locks up front (IMMEDIATE on SQLite, row locks on MySQL). */
  transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** InnoDB picks a deadlock victim and SQLite may stay busy; the whole transaction is then safe to run again. */
const CONFLICT_CODES = ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY'];
const isConflict = (error: unknown) => CONFLICT_CODES.includes((error as { parent?: { code?: string } }).parent?.code ?? '');

function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  // Three more attempts, each a little later and jittered, so the contenders do not collide again in step.
  return retryTransient(run, { delaysMs: [1, 2, 3].map((step) => 20 * step + Math.random() * 30), isTransient: isConflict });
}

/** DATA_DIR holds the database, the Temporal dev server's file and the secrets: the owner's alone (0700). */
export function ensurePrivateDataDir(dataDir: string): void {
  // A shared directory (the sticky bit: /tmp and its likes) is never tightened: other users' programs need it.
  if (fs.existsSync(dataDir) && (fs.statSync(dataDir).mode & 0o1000) !== 0) {
    throw new ConfigError([`DATA_DIR: ${dataDir} is a shared directory; give the platform a directory of its own (e.g. ${path.join(dataDir, 'evcp')})`]);
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
}

/** The SQLite file is created (or tightened) 0600 before SQLite opens it; its -wal and -shm files copy that mode. */
function privateSqliteFile(dataDir: string): string {
  ensurePrivateDataDir(dataDir);
  const file = path.join(dataDir, 'evcp.sqlite');
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
  return file;
}

/** MySQL/MariaDB when `mysqlUrl` is given; otherwise a SQLite file under `dataDir` (embedded mode). */
export function createDatabase(options: { mysqlUrl?: string; dataDir: string; logging?: (sql: string) => void }): Database {
  const logging = options.logging ?? false;
  let sequelize: Sequelize;
  if (options.mysqlUrl) {
    sequelize = new Sequelize(options.mysqlUrl, {
      dialect: 'mysql',
      logging,
      pool: { max: 20, min: 0, idle: 10_000 },
      dialectOptions: { dateStrings: false },
      timezone: '+00:00',
    });
  } else {
    sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: privateSqliteFile(options.dataDir),
      logging,
      retry: { match: [/SQLITE_BUSY/], max: 20 },
    });
    sequelize.addHook('afterConnect', async (connection: unknown) => {
      const db = connection as { exec(sql: string, cb: (err: Error | null) => void): void };
      await new Promise<void>((resolve, reject) => db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;', (err) => (err ? reject(err) : resolve())));
    });
  }
  const models = defineModels(sequelize);
  const isSqlite = sequelize.getDialect() === 'sqlite';
  return {
    sequelize,
    models,
    transaction: (work) => retryOnConflict(() => sequelize.transaction(isSqlite ? { type: Transaction.TYPES.IMMEDIATE } : {}, work)),
    async migrate() {
      const umzug = new Umzug({
        migrations: MIGRATIONS,
        context: sequelize.getQueryInterface(),
        storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
        logger: undefined,
      });
      await umzug.up();
    },
    close: () => sequelize.close(),
  };
}
