import { proxyActivities } from '@temporalio/workflow';
import type { SweeperActivities } from '../activities/sweeper-activities';
import type { SweepReport } from './session-sweeper.messages';

const sweep = proxyActivities<SweeperActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * One sweep, started by a Temporal Schedule: gives back what closed session workflows left held, flagged for review,
 * and starts the workflow of refunds left without one.
 */
export async function sweepOrphanedSessions(): Promise<SweepReport> {
  const orphans = await sweep.findOrphanedSessions();
  for (const orphan of orphans) await sweep.releaseOrphanedSession(orphan);
  const refundsRestarted = await sweep.restartStalledRefunds();
  return { swept: orphans.map((o) => o.sessionId), refundsRestarted };
}
