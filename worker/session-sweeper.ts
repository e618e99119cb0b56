import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { SessionWorkflows } from '../activities/ports';
import { sessionWorkflowId } from '../workflows/charging-session.messages';
import { SESSION_SWEEPER_SCHEDULE_ID, SESSION_SWEEPER_WORKFLOW, SESSION_SWEEP_INTERVAL } from '../workflows/session-sweeper.messages';

/** Session workflows as Temporal sees them: the latest run of a session's chain, running or closed. */
export class TemporalSessionWorkflows implements SessionWorkflows {
  constructor(private readonly client: Client) {}

  async isRunning(sessionId: string): Promise<boolean> {
    try {
      return (await this.client.workflow.getHandle(sessionWorkflowId(sessionId)).describe()).status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }
}

/**
 * Creates the Temporal Schedule that runs the orphaned-session sweep, once: every worker and the embedded system
 * call this at start, and all but the first find it already there. Sweeps never overlap.
 */
export async function ensureSweeperSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: SESSION_SWEEPER_SCHEDULE_ID,
      spec: { intervals: [{ every: SESSION_SWEEP_INTERVAL }] },
      action: { type: 'startWorkflow', workflowType: SESSION_SWEEPER_WORKFLOW, workflowId: SESSION_SWEEPER_SCHEDULE_ID, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
