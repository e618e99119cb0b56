import { SESSION_STATUSES, type SessionStatus, assertTransition, canTransition, isFinal, occupiesPile } from './session-state';

describe('session state machine', () => {
  it.each([
    ['RESERVED', 'AUTHORIZING'],
    ['RESERVED', 'EXPIRED'],
    ['AUTHORIZING', 'DECLINED'],
    ['STARTING', 'START_FAILED'],
    ['AUTHORIZING', 'CANCELLED'],
    ['STARTING', 'CANCELLED'],
    ['CHARGING', 'STOPPING'],
    ['SETTLING', 'SETTLEMENT_FAILED'],
    ['SETTLEMENT_FAILED', 'SETTLING'],
  ] as [SessionStatus, SessionStatus][])('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    ['RESERVED', 'CHARGING'],
    ['CHARGING', 'COMPLETED'],
    ['CHARGING', 'CANCELLED'],
    ['COMPLETED', 'SETTLING'],
    ['SETTLEMENT_FAILED', 'COMPLETED'],
  ] as [SessionStatus, SessionStatus][])('refuses %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).toThrow(`a session cannot go from ${from} to ${to}`);
  });

  it('frees the pile in every final status and while settling', () => {
    const holding = SESSION_STATUSES.filter(occupiesPile);
    expect(holding).toEqual(['RESERVED', 'AUTHORIZING', 'STARTING', 'CHARGING', 'STOPPING']);
    expect(SESSION_STATUSES.filter(isFinal)).toEqual(['COMPLETED', 'CANCELLED', 'EXPIRED', 'DECLINED', 'START_FAILED', 'REJECTED']);
  });
});
