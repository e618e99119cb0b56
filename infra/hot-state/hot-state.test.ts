import { TEST_REDIS_URL, testRedisPrefix } from '../../test/support/services';
import { type HotState, MemoryHotState, RedisHotState } from '.';

/** One contract, both implementations: the embedded stand-in must answer as Redis does. */
describe.each([
  ['Redis', () => new RedisHotState(TEST_REDIS_URL, { keyPrefix: testRedisPrefix() })],
  ['the in-process stand-in', () => new MemoryHotState()],
] as const)('hot state on %s', (_, create) => {
  let hot: HotState;
  beforeEach(() => {
    hot = create();
  });
  afterEach(async () => {
    await hot.close();
  });

  it('lets only the first caller set a one-shot marker', async () => {
    expect(await hot.setIfAbsent('marker', '1', 10_000)).toBe(true);
    expect(await hot.setIfAbsent('marker', '2', 10_000)).toBe(false);
    expect(await hot.get('marker')).toBe('1');
  });

  it('forgets a marker after its time to live', async () => {
    await hot.setIfAbsent('short', '1', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await hot.setIfAbsent('short', '2', 50)).toBe(true);
  });

  it('renews and gives back a lease only for its holder', async () => {
    await hot.setIfAbsent('lease', 'holder', 10_000);
    expect(await hot.extendIfHeld('lease', 'someone-else', 10_000)).toBe(false);
    await hot.deleteIfHeld('lease', 'someone-else');
    expect(await hot.extendIfHeld('lease', 'holder', 10_000)).toBe(true);
    await hot.deleteIfHeld('lease', 'holder');
    expect(await hot.get('lease')).toBeUndefined();
  });

  it('merges hash fields and reads back an empty hash as {}', async () => {
    await hot.hashSet('h', { a: '1', b: '2' });
    await hot.hashSet('h', { b: '3' });
    expect(await hot.hashGetAll('h')).toEqual({ a: '1', b: '3' });
    expect(await hot.hashGetAll('missing')).toEqual({});
  });

  it('delivers published messages to subscribers until they unsubscribe', async () => {
    const received: string[] = [];
    const unsubscribe = await hot.subscribe('channel-x', (m) => received.push(m));
    await hot.publish('channel-x', 'one');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await unsubscribe();
    await hot.publish('channel-x', 'two');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(['one']);
  });

  it('finds stations within a radius, nearest first, with distances as Redis GEOSEARCH computes them', async () => {
    await hot.geoAdd('geo', 'people-square', { lat: 31.2304, lng: 121.4737 });
    await hot.geoAdd('geo', 'lujiazui', { lat: 31.2397, lng: 121.4998 });
    await hot.geoAdd('geo', 'zhangjiang', { lat: 31.2035, lng: 121.5914 });
    await hot.geoAdd('geo', 'hongqiao', { lat: 31.1979, lng: 121.3363 });
    const hits = await hot.geoSearch('geo', { lat: 31.2304, lng: 121.4737 }, 12_000);
    expect(hits.map((h) => h.member)).toEqual(['people-square', 'lujiazui', 'zhangjiang']);
    // Redis answers 0.22 m, 2689.18 m and 11588.57 m here (it stores positions as 52-bit geohashes).
    const expected = [0, 2689, 11_589];
    hits.forEach((hit, i) => expect(Math.abs(hit.distanceM - expected[i])).toBeLessThanOrEqual(1));
  });

  it('lists members scored at or below a bound, lowest first', async () => {
    await hot.scoreSet('z', 'late', 300);
    await hot.scoreSet('z', 'early', 100);
    await hot.scoreSet('z', 'middle', 200);
    expect(await hot.membersScoredBelow('z', 200, 10)).toEqual(['early', 'middle']);
    await hot.scoreRemove('z', 'early');
    expect(await hot.membersScoredBelow('z', 200, 10)).toEqual(['middle']);
  });

  it('counts members scored at or above a bound', async () => {
    await hot.scoreSet('z', 'late', 300);
    await hot.scoreSet('z', 'early', 100);
    await hot.scoreSet('z', 'middle', 200);
    expect(await hot.countScoredAtLeast('z', 200)).toBe(2);
    expect(await hot.countScoredAtLeast('z', 301)).toBe(0);
    expect(await hot.countScoredAtLeast('nothing', 0)).toBe(0);
  });

  it('moves a member to a score and reads fields of a hash in one call, absent fields and hashes as undefined', async () => {
    await hot.scoreSet('z', 'pile-1', 100);
    await hot.hashSet('h', { state: 'offline', stateBeforeSilence: 'charging', at: '5' });
    expect(await hot.scoreSetThenHashGet('z', 'pile-1', 250, 'h', ['state', 'missing', 'stateBeforeSilence'])).toEqual(['offline', undefined, 'charging']);
    expect(await hot.membersScoredBelow('z', 200, 10)).toEqual([]);
    expect(await hot.countScoredAtLeast('z', 250)).toBe(1);
    expect(await hot.scoreSetThenHashGet('z', 'pile-2', 300, 'no-such-hash', ['state'])).toEqual([undefined]);
    expect(await hot.countScoredAtLeast('z', 250)).toBe(2);
  });
});
