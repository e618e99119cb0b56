import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { meterCheckpointSignal, type MeterCheckpoint, sessionWorkflowId } from '../../workflows/charging-session.messages';
import { mapLimited } from './concurrency';

const { EventType, TimeoutType } = temporal.api.enums.v1;

/** What one session's history says about its checkpoints and workflow tasks (epoch ms, server clock). */
export interface SessionTimeline {
  sessionId: string;
  /** Each checkpoint signal: the pile's sample time, when the server recorded the signal, when a workflow task took it in. */
  checkpoints: { sampledAt: number; signaledAt: number; appliedAt?: number }[];
  /** Each completed workflow task: scheduled → completed. */
  workflowTasks: { scheduledAt: number; completedAt: number }[];
  /** Every workflow task attempt the history recorded, those that timed out included (a sticky queue's ScheduleToStart timeout shows here). */
  workflowTaskAttempts: WorkflowTaskAttempt[];
}

export interface WorkflowTaskAttempt {
  scheduledAt: number;
  /** When a worker picked it up; unset if it timed out before any did. */
  startedAt?: number;
  endedAt: number;
  outcome: 'completed' | 'failed' | 'timed out ScheduleToStart' | 'timed out StartToClose';
}

/** Reads the histories of the given sessions' workflows from the server (no worker involved). */
export function sessionTimelines(client: Client, sessionIds: string[]): Promise<SessionTimeline[]> {
  return mapLimited(sessionIds, 10, async (sessionId) => {
    const { events } = await client.workflow.getHandle(sessionWorkflowId(sessionId)).fetchHistory();
    const timeline: SessionTimeline = { sessionId, checkpoints: [], workflowTasks: [], workflowTaskAttempts: [] };
    let scheduledAt: number | undefined;
    let startedAt: number | undefined;
    const endAttempt = (endedAt: number, outcome: WorkflowTaskAttempt['outcome']) => {
      if (scheduledAt !== undefined) timeline.workflowTaskAttempts.push({ scheduledAt, startedAt, endedAt, outcome });
    };
    const waiting: SessionTimeline['checkpoints'] = [];
    for (const event of events ?? []) {
      const at = tsToMs(event.eventTime);
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED && event.workflowExecutionSignaledEventAttributes?.signalName === meterCheckpointSignal.name) {
        const reading = defaultPayloadConverter.fromPayload<MeterCheckpoint>(event.workflowExecutionSignaledEventAttributes.input!.payloads![0]);
        const checkpoint = { sampledAt: reading.at, signaledAt: at };
        timeline.checkpoints.push(checkpoint);
        waiting.push(checkpoint);
      } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) {
        scheduledAt = at;
        startedAt = undefined;
      } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        startedAt = at;
      } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
        const scheduleToStart = event.workflowTaskTimedOutEventAttributes?.timeoutType === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
        endAttempt(at, scheduleToStart ? 'timed out ScheduleToStart' : 'timed out StartToClose');
      } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        endAttempt(at, 'failed');
      } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        endAttempt(at, 'completed');
        // Signals recorded before a workflow task completes are delivered to the workflow in that task.
        for (const checkpoint of waiting.splice(0)) checkpoint.appliedAt = at;
        if (scheduledAt !== undefined) timeline.workflowTasks.push({ scheduledAt, completedAt: at });
      }
    }
    return timeline;
  });
}
