import { randomUUID } from 'node:crypto';
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { CHINA_TIME_ZONE, RECONCILIATION_LOCAL_TIME, RECONCILIATION_SCHEDULE_ID, RECONCILIATION_WORKFLOW } from '../workflows/reconciliation.messages';

/** Reconciliation runs as Temporal workflows: one each morning by schedule, and any day again on request. */
export class TemporalReconciliationRuns {
  constructor(private readonly deps: { temporal: Client; taskQueue: string }) {}

  /** A run of `billDate` now (support asks again after fixing something); returns its workflow id. */
  async start(billDate: string): Promise<string> {
    const workflowId = `reconcile-payments-${billDate}-${randomUUID()}`;
    await this.deps.temporal.workflow.start(RECONCILIATION_WORKFLOW, { workflowId, taskQueue: this.deps.taskQueue, args: [billDate], staticSummary: `Reconcile payments of ${billDate}` });
    return workflowId;
  }

  /** The daily schedule, created once: every worker with WeChat Pay calls this at start, all but the first find it there. */
  async ensureSchedule(): Promise<void> {
    try {
      await this.deps.temporal.schedule.create({
        scheduleId: RECONCILIATION_SCHEDULE_ID,
        spec: { calendars: [{ hour: RECONCILIATION_LOCAL_TIME.hour, minute: RECONCILIATION_LOCAL_TIME.minute }], timezone: CHINA_TIME_ZONE },
        action: { type: 'startWorkflow', workflowType: RECONCILIATION_WORKFLOW, workflowId: RECONCILIATION_SCHEDULE_ID, taskQueue: this.deps.taskQueue, args: [] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
  }
}
