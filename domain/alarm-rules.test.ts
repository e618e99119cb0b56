import { allowedAction, type AlarmCondition, belongsToResolved, LATE_RAISE_WINDOW_MS, onRaise, recipientAt, resolvesItself } from './alarm-rules';

const QUIET = 60_000;
const T = Date.parse('2026-03-02T10:00:00Z');
const open = (clearedAt: number | null = null): AlarmCondition => ({ state: 'open', clearedAt });

describe('onRaise', () => {
  it.each<[string, AlarmCondition | null, number, 'fold' | 'open']>([
    ['no alarm yet opens one', null, T, 'open'],
    ['a resolved alarm is history: a new one opens', { state: 'resolved', clearedAt: null }, T, 'open'],
    ['the condition still holds: folds', open(), T, 'fold'],
    ['cleared a moment ago (a flap): folds', open(T - 1000), T, 'fold'],
    ['cleared just under the quiet period: folds', open(T - QUIET + 1), T, 'fold'],
    ['cleared and quiet for the whole period: opens a new one', open(T - QUIET), T, 'open'],
    ['acknowledged and long quiet: still folds (its person resolves it)', { state: 'acknowledged', clearedAt: T - 10 * QUIET }, T, 'fold'],
  ])('%s', (_name, existing, at, expected) => {
    expect(onRaise(existing, at, QUIET)).toBe(expected);
  });

  it('folds a pile that faults and clears a hundred times in a minute into one alarm', () => {
    let alarms = 0;
    let current: AlarmCondition | null = null;
    for (let i = 0; i < 100; i++) {
      const at = T + i * 600;
      if (onRaise(current, at, QUIET) === 'open') alarms += 1;
      current = { state: 'open', clearedAt: at + 300 };
    }
    expect(alarms).toBe(1);
  });
});

describe('resolvesItself', () => {
  it.each<[string, AlarmCondition, boolean]>([
    ['condition still holds', open(), false],
    ['cleared, not yet quiet', open(T - QUIET + 1), false],
    ['cleared and quiet, never acknowledged', open(T - QUIET), true],
    ['cleared and quiet, but acknowledged: a person resolves it', { state: 'acknowledged', clearedAt: T - QUIET }, false],
    ['already resolved', { state: 'resolved', clearedAt: T - QUIET }, false],
  ])('%s', (_name, alarm, expected) => {
    expect(resolvesItself(alarm, T, QUIET)).toBe(expected);
  });
});

describe('recipientAt', () => {
  it.each([
    [0, 'first'],
    [1, 'second'],
    [2, undefined],
    [-1, undefined],
  ])('level %d of the on-call list is %s', (level, expected) => {
    expect(recipientAt(['first', 'second'], level)).toBe(expected);
  });
});

describe('allowedAction', () => {
  it.each([
    ['open', 'acknowledge', true],
    ['acknowledged', 'acknowledge', false],
    ['acknowledged', 'resolve', true],
    ['open', 'note', true],
    ['resolved', 'note', false],
    ['resolved', 'resolve', false],
  ] as const)('%s alarm, %s: %s', (state, action, expected) => {
    expect(allowedAction(state, action)).toBe(expected);
  });
});

describe('belongsToResolved', () => {
  const RESOLVED = 1_000_000;
  it.each([
    ['a raise from before the resolution, arriving late', RESOLVED - 1_000, true],
    ['a raise at the very moment of resolution', RESOLVED, true],
    ['a raise after the resolution (a new fault)', RESOLVED + 1, false],
    ['a raise stamped long before the resolution (a lagging clock)', RESOLVED - LATE_RAISE_WINDOW_MS - 1, false],
  ])('%s: %s', (_name, at, expected) => {
    expect(belongsToResolved(RESOLVED, at)).toBe(expected);
  });

  it('never applies when nothing was resolved', () => {
    expect(belongsToResolved(null, RESOLVED)).toBe(false);
  });
});
