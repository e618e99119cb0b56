import { proxyActivities } from '@temporalio/workflow';
import type { StatsActivities } from '../activities/stats-activities';
import type { StatsRollupReport } from './stats-rollup.messages';

const stats = proxyActivities<StatsActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** One refresh, started by a Temporal Schedule: recomputes the recent local days' rollups in the database. */
export async function refreshStatsRollups(): Promise<StatsRollupReport> {
  return stats.recomputeRecentStats();
}
