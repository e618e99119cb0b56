import { isAuthorizationStale, isNewerAuthorizationReport, openOrCloseTimeMs, PAYSCORE_AUTHORIZATION_STALE_MS, payscoreAuthorizationOf, reportSecond } from './payscore-authorization';

describe('a driver’s WeChat Pay Score authorization', () => {
  it.each([
    ['AVAILABLE', 'available'],
    ['USER_OPEN_SERVICE', 'available'],
    ['UNAVAILABLE', 'unavailable'],
    ['UNBINDUSER', 'unavailable'],
    ['USER_CLOSE_SERVICE', 'unavailable'],
    ['available', undefined],
    ['', undefined],
  ])('reads WeChat Pay’s %p as %p', (reported, state) => {
    expect(payscoreAuthorizationOf(reported)).toBe(state);
  });

  it.each([
    [null, 1, true],
    [1, 2, true],
    [2, 2, true],
    [2, 1, false],
  ])('a state recorded as of %p is replaced by a report of %p: %p (the last within one second wins)', (recorded, reported, newer) => {
    expect(isNewerAuthorizationReport(recorded, reported)).toBe(newer);
  });

  it('asks again about an unknown state, and a known one once it is stale', () => {
    const at = Date.UTC(2026, 0, 1);
    expect(isAuthorizationStale('unknown', at, at)).toBe(true);
    expect(isAuthorizationStale('available', null, at)).toBe(true);
    expect(isAuthorizationStale('available', at, at + PAYSCORE_AUTHORIZATION_STALE_MS)).toBe(false);
    expect(isAuthorizationStale('unavailable', at, at + PAYSCORE_AUTHORIZATION_STALE_MS + 1)).toBe(true);
  });

  it('states a moment to the second, as WeChat Pay does', () => {
    const second = Date.UTC(2026, 0, 1, 8, 0, 0);
    expect(reportSecond(second + 999)).toBe(second);
    expect(reportSecond(second)).toBe(second);
  });

  it('reads openorclose_time in China time, or as RFC 3339', () => {
    const expected = Date.parse('2018-02-25T11:22:33+08:00');
    expect(openOrCloseTimeMs('20180225112233')).toBe(expected);
    expect(openOrCloseTimeMs('2018-02-25T03:22:33Z')).toBe(expected);
  });

  it.each(['', '2018022511223', '20181325112233', 'yesterday', '2018-02-25'])('refuses the time %p', (text) => {
    expect(openOrCloseTimeMs(text)).toBeUndefined();
  });
});
