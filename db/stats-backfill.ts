import { parseArgs } from 'node:util';
import { fragments } from '../infra/config';
import { LOCAL_DAY_PATTERN, dayCount, localDayOf } from '../domain/operator-days';
import { runDatabaseScript } from './script';
import { StatsRollups } from './stats-rollups';

/**
 * Recomputes the dashboards' rollups for a range of local days (OPERATOR_TIME_ZONE), a month per transaction:
 * `npm run stats:backfill -- --from 2026-01-01 --to 2026-11-30` (`--to` defaults to today). Safe to run again.
 */
runDatabaseScript(fragments.stats, async (db, env) => {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  const from = values.from;
  const to = values.to ?? localDayOf(Date.now(), env.OPERATOR_TIME_ZONE);
  if (!from || !LOCAL_DAY_PATTERN.test(from) || !LOCAL_DAY_PATTERN.test(to) || dayCount(from, to) === 0) {
    throw new Error('usage: npm run stats:backfill -- --from YYYY-MM-DD [--to YYYY-MM-DD] (from not after to)');
  }
  const days = await new StatsRollups(db, env.OPERATOR_TIME_ZONE).recompute(from, to, new Date());
  return `stats rollups recomputed for ${days} days, ${from} to ${to} (${env.OPERATOR_TIME_ZONE})`;
});
