/**
 * The rules of operator alarms, with no I/O: when a raise opens a new alarm and when it folds into the open one,
 * and when a cleared alarm may resolve itself. Shared by the alarm log (db/alarm-log.ts), the alarm workflow and tests.
 */

export const ALARM_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export const ALARM_ACTIONS = ['raised', 'notified', 'escalated', 'acknowledged', 'assigned', 'note', 'cleared', 'resolved'] as const;
export type AlarmAction = (typeof ALARM_ACTIONS)[number];

/** What the rules need to know of the current (latest, unresolved) alarm of a pile and kind. */
export interface AlarmCondition {
  state: AlarmState;
  /** Epoch ms when the condition last went away; null while it holds. */
  clearedAt: number | null;
}

/** Default quiet period: a cleared condition that stays away this long ends an alarm nobody acknowledged. */
export const DEFAULT_ALARM_QUIET_MS = 5 * 60_000;

/**
 * A new raise of a pile's condition: `fold` into the existing alarm (one more occurrence) or `open` a new one.
 * An alarm stays open until someone resolves it or its condition has been cleared and quiet for `quietMs`; until
 * then a flapping pile (fault, clear, fault, … a hundred times a minute) adds occurrences, not alarms. An
 * acknowledged alarm waits for its person even when quiet: a raise folds into it.
 */
export function onRaise(existing: AlarmCondition | null, at: number, quietMs: number): 'fold' | 'open' {
  if (!existing || existing.state === 'resolved') return 'open';
  if (existing.state === 'acknowledged' || existing.clearedAt === null) return 'fold';
  return at - existing.clearedAt < quietMs ? 'fold' : 'open';
}

/** How late a raise may arrive after the alarm it belongs to was resolved (a burst's tail still in the queue). */
export const LATE_RAISE_WINDOW_MS = 2 * 60_000;

/**
 * A raise that happened (by its own time `at`) before the pile's last alarm of that kind was resolved belongs to
 * that alarm: a flapping pile's queued messages arriving after an operator resolved it must not page anyone again.
 * Only within a short window, so a pile whose clock lags cannot hide a new fault for long.
 */
export function belongsToResolved(resolvedAt: number | null, at: number): boolean {
  return resolvedAt !== null && at <= resolvedAt && resolvedAt - at <= LATE_RAISE_WINDOW_MS;
}

/**
 * Whether a cleared alarm resolves itself: only when nobody acknowledged it (a person who did resolves it) and
 * its condition stayed away for the whole quiet period.
 */
export function resolvesItself(alarm: AlarmCondition, now: number, quietMs: number): boolean {
  return alarm.state === 'open' && alarm.clearedAt !== null && now - alarm.clearedAt >= quietMs;
}

/** Who is told at an escalation level: the on-call list in order; past its end, nobody more. */
export function recipientAt<T>(onCall: readonly T[], level: number): T | undefined {
  return level >= 0 && level < onCall.length ? onCall[level] : undefined;
}

/** Transitions a person may make: acknowledge only an open alarm; note, assign and resolve any unresolved one. */
export function allowedAction(state: AlarmState, action: 'acknowledge' | 'assign' | 'note' | 'resolve'): boolean {
  if (state === 'resolved') return false;
  return action === 'acknowledge' ? state === 'open' : true;
}
