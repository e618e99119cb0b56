import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataTypes, type Sequelize } from 'sequelize';
import { createTestDatabase } from '../test/support/services';
import { createDatabase, type Database } from './database';

/** A fresh, empty database of one dialect, and how to remove it. */
interface FreshDatabase {
  db: Database;
  remove(): Promise<void>;
}

async function freshMariaDb(): Promise<FreshDatabase> {
  const database = await createTestDatabase();
  const db = createDatabase({ mysqlUrl: database.url, dataDir: '.unused' });
  return {
    db,
    async remove() {
      await db.close();
      await database.drop();
    },
  };
}

async function freshSqlite(): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-schema-'));
  const db = createDatabase({ dataDir });
  return {
    db,
    async remove() {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface IndexDescription {
  unique: boolean;
  primary: boolean;
  fields: { attribute: string }[];
}

/**
 * Every table as the database itself describes it: columns (type, nullability, primary key, auto-increment,
 * default) and unique indexes by their columns (index names differ between migrations and models). The migrations'
 * bookkeeping table is left out.
 */
async function describeSchema(sequelize: Sequelize) {
  const qi = sequelize.getQueryInterface();
  const tables = (await qi.showAllTables()).filter((table) => table !== 'schema_migrations').sort();
  const schema: Record<string, unknown> = {};
  for (const table of tables) {
    const columns = await qi.describeTable(table);
    const indexes = (await qi.showIndex(table)) as IndexDescription[];
    schema[table] = {
      columns: Object.fromEntries(
        Object.entries(columns)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, c]) => [name, { type: c.type.toUpperCase(), allowNull: c.allowNull && !c.primaryKey, primaryKey: c.primaryKey, autoIncrement: c.autoIncrement ?? false, defaultValue: c.defaultValue }]),
      ),
      uniqueIndexes: indexes
        .filter((index) => index.unique && !index.primary)
        .map((index) => index.fields.map((f) => f.attribute).join(', '))
        .sort(),
    };
  }
  return schema;
}

describe.each([
  ['MariaDB', freshMariaDb],
  ['SQLite', freshSqlite],
])('the schema on %s', (_dialect, fresh) => {
  let migrated: FreshDatabase;
  let fromModels: FreshDatabase;

  beforeAll(async () => {
    [migrated, fromModels] = await Promise.all([fresh(), fresh()]);
    await migrated.db.migrate();
    await fromModels.db.sequelize.sync();
  });
  afterAll(async () => {
    await Promise.all([migrated?.remove(), fromModels?.remove()]);
  });

  it('is what the models describe, once every migration has run', async () => {
    expect(await describeSchema(migrated.db.sequelize)).toEqual(await describeSchema(fromModels.db.sequelize));
  });

  it('tells a column that the models have and no migration adds', async () => {
    const withExtraColumn = await fresh();
    try {
      await withExtraColumn.db.sequelize.sync();
      await withExtraColumn.db.sequelize.getQueryInterface().addColumn('vehicles', 'nickname', { type: DataTypes.STRING(40), allowNull: true });
      const models = (await describeSchema(withExtraColumn.db.sequelize)) as Record<string, { columns: Record<string, unknown> }>;
      const migrations = (await describeSchema(migrated.db.sequelize)) as Record<string, { columns: Record<string, unknown> }>;
      expect(models.vehicles.columns).toHaveProperty('nickname');
      expect(migrations.vehicles.columns).not.toHaveProperty('nickname');
      expect(migrations).not.toEqual(models);
    } finally {
      await withExtraColumn.remove();
    }
  });
});
