import { runDatabaseScript } from './script';

/** Applies pending migrations and exits (compose runs it before the services start). */
runDatabaseScript({}, async (db) => {
  await db.migrate();
  return 'migrations applied';
});
