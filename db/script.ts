import { type z } from 'zod';
import { fragments, loadConfig } from '../infra/config';
import { createDatabase, type Database } from './database';

/** Runs a one-shot database command (migrate, seed) against MYSQL_URL (or the embedded SQLite file), closing the connection and exiting non-zero on failure. */
export function runDatabaseScript<S extends z.ZodRawShape>(extraConfig: S, work: (db: Database, env: z.infer<z.ZodObject<S>>) => Promise<string>): void {
  const main = async () => {
    // Without MYSQL_URL: the embedded SQLite file under DATA_DIR, as `npm start` uses.
    const { MYSQL_URL, DATA_DIR } = loadConfig(fragments.database, process.env);
    const env = loadConfig(extraConfig);
    const db = createDatabase({ mysqlUrl: MYSQL_URL, dataDir: DATA_DIR });
    try {
      console.log(await work(db, env));
    } finally {
      await db.close();
    }
  };
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
