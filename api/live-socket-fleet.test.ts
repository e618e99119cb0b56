import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { RedisHotState } from '../infra/hot-state';
import { createLogger } from '../infra/logger';
import { LiveState } from '../live/live-state';
import { LiveClient } from '../test/support/live-client';
import { TEST_REDIS_URL, testRedisPrefix, uniqueId } from '../test/support/services';
import { TokenService } from './auth';
import { attachLiveSocket } from './live-socket';
import { SessionWatchers } from './session-watchers';

/** Staff follow every station's pile status on one subscription; drivers may not. */
describe('the live fleet subscription', () => {
  const tokens = new TokenService({ secret: 'a-test-secret-that-is-long-enough-for-hs256' });
  const logger = createLogger({ level: 'silent', name: 'live-socket-fleet-test' });
  const hot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: testRedisPrefix() });
  const live = new LiveState(hot);
  const server = http.createServer();
  const sockets = attachLiveSocket(server, {
    tokens,
    staff: { acceptsToken: async () => true },
    live,
    sessions: { view: async () => undefined as never },
    watchers: new SessionWatchers(live, logger),
    logger,
    metrics: new Registry(),
    limits: { authGraceMs: 10_000, maxConnectionsPerIp: 10, maxSubscriptions: 10, maxMessagesPerSecond: 10 },
    clientIp: () => '127.0.0.1',
  });
  let url: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await sockets.close();
    await new Promise((resolve) => server.close(resolve));
    await hot.close();
  });

  it('brings staff a pile status change of any station', async () => {
    const client = await LiveClient.connect(url, tokens.issueStaff({ id: 'staff-1', name: 'Olga', role: 'support' }, 0));
    client.send({ type: 'subscribe', fleet: true });
    await client.waitFor((m) => m.type === 'subscribed' && m.fleet === true);
    const [stationA, stationB] = [uniqueId('station'), uniqueId('station')];
    await live.pileReported(`${stationA}-p1`, stationA, { state: 'idle', at: Date.now() });
    await live.pileReported(`${stationB}-p1`, stationB, { state: 'faulted', at: Date.now(), faultCode: 'E01' });
    expect(await client.waitFor((m) => m.type === 'pile.status' && m.stationId === stationA, 5000)).toMatchObject({ pileId: `${stationA}-p1`, status: 'idle' });
    expect(await client.waitFor((m) => m.type === 'pile.status' && m.stationId === stationB, 5000)).toMatchObject({ pileId: `${stationB}-p1`, status: 'fault' });
    client.close();
  });

  it('refuses a driver', async () => {
    const client = await LiveClient.connect(url, tokens.issue({ id: 'driver-1', name: 'Dora', role: 'driver' }));
    client.send({ type: 'subscribe', fleet: true });
    expect(await client.waitFor((m) => m.type === 'error', 5000)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    client.close();
  });

  it('refuses a subscription naming both a station and the fleet', async () => {
    const client = await LiveClient.connect(url, tokens.issueStaff({ id: 'staff-1', name: 'Olga', role: 'operator' }, 0));
    client.send({ type: 'subscribe', fleet: true, stationId: 'st-1' });
    expect(await client.waitFor((m) => m.type === 'error', 5000)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    client.close();
  });
});
