import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import {
  ALARM_WORKFLOW,
  type AlarmWorkflowInput,
  acknowledgedSignal,
  alarmWorkflowId,
  clearedSignal,
  raisedAgainSignal,
  resolvedSignal,
} from '../workflows/alarm.messages';
import type { Logger } from './logger';

/** Which alarm, and its pile when the caller has it (for what is logged). */
type AlarmRef = { id: number; pileId?: string };
type AlarmChange = 'raised-again' | 'cleared' | 'acknowledged' | 'resolved';
const SIGNALS: Record<AlarmChange, SignalDefinition> = { 'raised-again': raisedAgainSignal, cleared: clearedSignal, acknowledged: acknowledgedSignal, resolved: resolvedSignal };

/**
 * Starts and signals alarm workflows (workflows/alarm.ts) for the alarm log. The alarm's row is the truth and is
 * written first; a Temporal that is away is logged, not thrown, so a pile's message or an operator's click still
 * counts. A change other than `resolved` signals-with-start, so an alarm whose workflow never started gets one.
 */
export class TemporalAlarmWorkflows {
  constructor(private readonly options: { temporal: Client; taskQueue: string; logger: Logger }) {}

  async opened({ id: alarmId, pileId }: AlarmRef): Promise<void> {
    const { temporal, taskQueue, logger } = this.options;
    try {
      await temporal.workflow.start(ALARM_WORKFLOW, { workflowId: alarmWorkflowId(alarmId), taskQueue, args: [{ alarmId } satisfies AlarmWorkflowInput] });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      logger.error({ err, alarmId, pileId }, 'could not start the alarm workflow: nobody is notified of this alarm until its next change');
    }
  }

  async changed({ id: alarmId, pileId }: AlarmRef, change: AlarmChange): Promise<void> {
    const { temporal, taskQueue, logger } = this.options;
    const workflowId = alarmWorkflowId(alarmId);
    try {
      if (change === 'resolved') await temporal.workflow.getHandle(workflowId).signal(SIGNALS[change]);
      else await temporal.workflow.signalWithStart(ALARM_WORKFLOW, { workflowId, taskQueue, args: [{ alarmId } satisfies AlarmWorkflowInput], signal: SIGNALS[change] });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      logger.error({ err, alarmId, pileId, change }, 'could not tell the alarm workflow');
    }
  }
}
