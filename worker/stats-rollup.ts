import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { STATS_ROLLUP_INTERVAL, STATS_ROLLUP_SCHEDULE_ID, STATS_ROLLUP_WORKFLOW } from '../workflows/stats-rollup.messages';

/**
 * Creates the Temporal Schedule that keeps the dashboards' rollups current, once: every worker and the embedded
 * system call this at start, and all but the first find it already there. Refreshes never overlap.
 */
export async function ensureStatsRollupSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: STATS_ROLLUP_SCHEDULE_ID,
      spec: { intervals: [{ every: STATS_ROLLUP_INTERVAL }] },
      action: { type: 'startWorkflow', workflowType: STATS_ROLLUP_WORKFLOW, workflowId: STATS_ROLLUP_SCHEDULE_ID, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
