import { defineQuery, defineSignal } from '@temporalio/workflow';

/** The alarm workflow's contract: its id, input, the facts it hears and what it tells. The API and adapters import this, never the workflow. */
export const ALARM_WORKFLOW = 'alarmWorkflow';
export const alarmWorkflowId = (alarmId: number) => `alarm-${alarmId}`;

export interface AlarmWorkflowInput {
  alarmId: number;
  /** Set when the workflow continued as new: where escalation had got to (nobody is told again at that level). */
  resumed?: { escalationLevel: number; moreOnCall: boolean };
}

export interface AlarmWorkflowResult {
  /** `resolved`: a person resolved it; `resolved-itself`: cleared and quiet, never acknowledged. */
  outcome: 'resolved' | 'resolved-itself';
  escalationLevel: number;
}

export interface AlarmWorkflowState {
  acknowledged: boolean;
  resolved: boolean;
  cleared: boolean;
  escalationLevel: number;
  /** Whether someone further down the on-call list is left to escalate to. */
  moreOnCall: boolean;
}

/** A person acknowledged the alarm: escalation stops. */
export const acknowledgedSignal = defineSignal('acknowledged');
/** The alarm was resolved (by a person, or by the platform): the workflow ends. */
export const resolvedSignal = defineSignal('resolved');
/** The condition went away: no escalation while it stays away; quiet long enough and never acknowledged, it resolves itself. */
export const clearedSignal = defineSignal('cleared');
/** The condition came back before the alarm was over. */
export const raisedAgainSignal = defineSignal('raisedAgain');
export const alarmStateQuery = defineQuery<AlarmWorkflowState>('alarmState');
