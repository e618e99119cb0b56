import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { AlarmActivities } from '../activities/alarm-activities';
import {
  type AlarmWorkflowInput,
  type AlarmWorkflowResult,
  acknowledgedSignal,
  alarmStateQuery,
  clearedSignal,
  raisedAgainSignal,
  resolvedSignal,
} from './alarm.messages';

const io = proxyActivities<AlarmActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * One alarm's life (id `alarm-<id>`): tell the first person on call, wait for an acknowledgement with a durable
 * timer, and tell the next person each time it runs out. A cleared condition pauses escalation; quiet for the whole
 * period and never acknowledged, the alarm resolves itself. Resolving ends the workflow.
 */
export async function alarmWorkflow({ alarmId, resumed }: AlarmWorkflowInput): Promise<AlarmWorkflowResult> {
  const s = { acknowledged: false, resolved: false, cleared: false, escalationLevel: 0, moreOnCall: false };
  setHandler(acknowledgedSignal, () => void (s.acknowledged = true));
  setHandler(resolvedSignal, () => void (s.resolved = true));
  setHandler(clearedSignal, () => void (s.cleared = true));
  setHandler(raisedAgainSignal, () => void (s.cleared = false));
  setHandler(alarmStateQuery, () => ({ ...s }));

  const { escalationMs, quietMs } = await io.alarmSettings();
  // Started late (signal-with-start) or continued as new: the record says what already happened.
  const status = await io.alarmStatus({ alarmId });
  s.resolved ||= status.state === 'resolved';
  s.acknowledged ||= status.state === 'acknowledged';
  s.cleared = status.cleared;
  if (resumed) Object.assign(s, resumed);
  else s.moreOnCall = (await io.notifyOnCall({ alarmId, level: 0 })).more;
  while (!s.resolved) {
    // A pile that flaps for days sends many signals: keep the history short.
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof alarmWorkflow>({ alarmId, resumed: { escalationLevel: s.escalationLevel, moreOnCall: s.moreOnCall } });
    }
    if (s.cleared && !s.acknowledged) {
      if (await condition(() => s.resolved || s.acknowledged || !s.cleared, quietMs)) continue;
      const check = await io.resolveIfQuiet({ alarmId, at: Date.now() });
      if (check.resolved) return { outcome: 'resolved-itself', escalationLevel: s.escalationLevel };
      // The records know better than a lost signal: take their state.
      s.resolved = check.state === 'resolved';
      s.acknowledged = check.state === 'acknowledged';
      s.cleared = check.cleared;
      continue;
    }
    if (s.acknowledged || !s.moreOnCall) {
      await condition(() => s.resolved || (s.cleared && !s.acknowledged));
      continue;
    }
    if (await condition(() => s.resolved || s.acknowledged || s.cleared, escalationMs)) continue;
    s.escalationLevel += 1;
    s.moreOnCall = (await io.notifyOnCall({ alarmId, level: s.escalationLevel })).more;
  }
  return { outcome: 'resolved', escalationLevel: s.escalationLevel };
}
