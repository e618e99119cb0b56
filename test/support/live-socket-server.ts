import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { TokenService } from '../../api/auth';
import { type LiveSocketDeps, attachLiveSocket } from '../../api/live-socket';
import { SessionWatchers } from '../../api/session-watchers';
import { RedisHotState } from '../../infra/hot-state';
import { createLogger } from '../../infra/logger';
import { LiveState } from '../../live/live-state';
import { TEST_REDIS_URL, testRedisPrefix } from './services';

/**
 * The API's live socket alone on a port of its own, over the test Redis: what a test of the socket's behaviour
 * needs, with the session look-up (`sessions`) chosen by the test. Every staff token is accepted.
 */
export async function startLiveSocketServer(deps: Pick<LiveSocketDeps, 'sessions'> = { sessions: { view: async () => undefined as never } }) {
  const tokens = new TokenService({ secret: 'a-test-secret-that-is-long-enough-for-hs256' });
  const logger = createLogger({ level: 'silent', name: 'live-socket-test' });
  const hot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: testRedisPrefix() });
  const live = new LiveState(hot);
  const server = http.createServer();
  const sockets = attachLiveSocket(server, {
    tokens,
    staff: { acceptsToken: async () => true },
    live,
    sessions: deps.sessions,
    watchers: new SessionWatchers(live, logger),
    logger,
    metrics: new Registry(),
    limits: { authGraceMs: 10_000, maxConnectionsPerIp: 10, maxSubscriptions: 10, maxMessagesPerSecond: 10 },
    clientIp: () => '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    live,
    async close() {
      await sockets.close();
      await new Promise((resolve) => server.close(resolve));
      await hot.close();
    },
  };
}
