import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { MemoryHotState } from '../infra/hot-state';
import { LiveState } from '../live/live-state';
import { createLogger } from '../infra/logger';
import { eventually, LiveClient } from '../test/support/live-client';
import { TokenService } from './auth';
import { attachLiveSocket } from './live-socket';
import { SessionWatchers } from './session-watchers';

describe('WebSocket connection gauge', () => {
  const metrics = new Registry();
  const tokens = new TokenService({ secret: 'a-test-secret-that-is-long-enough-for-hs256' });
  const logger = createLogger({ level: 'silent', name: 'live-socket-metrics-test' });
  const live = new LiveState(new MemoryHotState());
  const server = http.createServer();
  const sockets = attachLiveSocket(server, { tokens, staff: { acceptsToken: async () => true }, live, sessions: { view: async () => undefined as never }, watchers: new SessionWatchers(live, logger), logger, metrics, limits: { authGraceMs: 10_000, maxConnectionsPerIp: 10, maxSubscriptions: 10, maxMessagesPerSecond: 10 }, clientIp: () => '127.0.0.1' });
  let url: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await sockets.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const connections = async () => (await metrics.getSingleMetric('evcp_api_websocket_connections')!.get()).values[0].value;

  it('counts open connections and forgets closed ones', async () => {
    const token = tokens.issue({ id: 'u-1', name: 'Driver', role: 'driver' });
    const first = await LiveClient.connect(url, token);
    const second = await LiveClient.connect(url, token);
    expect(await connections()).toBe(2);
    first.close();
    second.close();
    await eventually(connections, (open) => open === 0);
  });
});
