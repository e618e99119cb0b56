import { fragments, loadConfig } from '../infra/config';
import { createDatabase } from './database';

/** Applies pending migrations and exits (compose runs it before the services start). */
async function main() {
  const env = loadConfig({ ...fragments.database }, process.env, ['MYSQL_URL']);
  const db = createDatabase({ mysqlUrl: env.MYSQL_URL, dataDir: env.DATA_DIR });
  try {
    await db.migrate();
    console.log('migrations applied');
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
