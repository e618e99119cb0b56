import { aTariff } from '../test/support/builders';
import type { SessionLiveRecord } from '../live/live-state';
import { SubscriptionShare } from './gateway-lease';
import { SessionRecordCache } from './session-cache';

const T0 = Date.parse('2026-03-02T10:00:00+08:00');

/** The cache over a store of records that counts how often it is read. */
function cacheOver(records: Record<string, SessionLiveRecord>, options: { chargingTtlMs?: number } = {}) {
  let now = T0;
  const reads: string[] = [];
  const share = new SubscriptionShare();
  const cache = new SessionRecordCache(
    {
      async session(sessionId: string) {
        reads.push(sessionId);
        return records[sessionId];
      },
    },
    { ttlMs: 10_000, missTtlMs: 1_000, clock: () => now, share, ...options },
  );
  const readsAt = async (at: number, sessionId: string) => {
    now = at;
    const before = reads.length;
    await cache.get(sessionId);
    return reads.length - before;
  };
  const at = (time: number) => {
    now = time;
    return cache;
  };
  return { cache, share, readsAt, at };
}

const session = (sessionId: string, fields: Partial<SessionLiveRecord> = {}): SessionLiveRecord => ({
  sessionId,
  userId: 'u1',
  pileId: 'pile-1',
  stationId: 'station-1',
  status: 'CHARGING',
  tariff: aTariff(),
  ...fields,
});

describe('the gateway copy of session records', () => {
  it('reads a charging session again once its copy is ttl old', async () => {
    const { readsAt } = cacheOver({ s1: session('s1', { meterStartWh: 0, startedAt: T0 }) });
    expect(await readsAt(T0, 's1')).toBe(1);
    expect(await readsAt(T0 + 9_000, 's1')).toBe(0);
    expect(await readsAt(T0 + 10_000, 's1')).toBe(1);
  });

  it('keeps a charging session twice as long when two gateways share the piles, so together they read it as often as one', async () => {
    const { share, readsAt } = cacheOver({ s1: session('s1', { meterStartWh: 0, startedAt: T0 }) });
    share.liveGateways = 2;
    expect(await readsAt(T0, 's1')).toBe(1);
    expect(await readsAt(T0 + 19_000, 's1')).toBe(0);
    expect(await readsAt(T0 + 20_000, 's1')).toBe(1);
  });

  it('keeps a session that is not charging yet for the base ttl only, however many gateways share the piles', async () => {
    const { share, readsAt } = cacheOver({ s1: session('s1', { status: 'STARTING' }) });
    share.liveGateways = 3;
    expect(await readsAt(T0, 's1')).toBe(1);
    expect(await readsAt(T0 + 10_000, 's1')).toBe(1);
  });

  it('keeps a charging session for the charging ttl, and one not charging yet for the base ttl', async () => {
    const { readsAt } = cacheOver({ charging: session('charging', { meterStartWh: 0, startedAt: T0 }), starting: session('starting', { status: 'STARTING' }) }, { chargingTtlMs: 60_000 });
    expect(await readsAt(T0, 'charging')).toBe(1);
    expect(await readsAt(T0, 'starting')).toBe(1);
    expect(await readsAt(T0 + 10_000, 'starting')).toBe(1);
    expect(await readsAt(T0 + 59_000, 'charging')).toBe(0);
    expect(await readsAt(T0 + 60_000, 'charging')).toBe(1);
  });

  it('remembers an unknown session for the miss ttl only', async () => {
    const { share, readsAt } = cacheOver({});
    share.liveGateways = 2;
    expect(await readsAt(T0, 'stray')).toBe(1);
    expect(await readsAt(T0 + 500, 'stray')).toBe(0);
    expect(await readsAt(T0 + 1_000, 'stray')).toBe(1);
  });

  it('reads a session again at once after another gateway took its checkpoint', async () => {
    const { cache, share, readsAt } = cacheOver({ s1: session('s1', { meterStartWh: 0, startedAt: T0 }) });
    share.liveGateways = 2;
    expect(await readsAt(T0, 's1')).toBe(1);
    cache.forget('s1');
    expect(await readsAt(T0 + 1_000, 's1')).toBe(1);
  });

  it('saves a session progress half as often when two gateways share the piles', async () => {
    const { share, at } = cacheOver({});
    share.liveGateways = 2;
    expect(at(T0).progressDue('s1', 5_000)).toBe(true);
    expect(at(T0 + 9_000).progressDue('s1', 5_000)).toBe(false);
    expect(at(T0 + 10_000).progressDue('s1', 5_000)).toBe(true);
  });
});
