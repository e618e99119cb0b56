import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { MemoryHotState } from '../infra/hot-state';
import { createLogger } from '../infra/logger';
import { LiveState } from '../live/live-state';
import { TokenService } from './auth';
import { attachLiveSocket } from './live-socket';
import { SessionWatchers } from './session-watchers';

/** /ws signs a staff member in only while their account accepts the token, as every HTTP request does. */
describe('a staff token on the live socket', () => {
  const tokens = new TokenService({ secret: 'a-test-secret-that-is-long-enough-for-hs256' });
  const logger = createLogger({ level: 'silent', name: 'live-socket-auth-test' });
  const live = new LiveState(new MemoryHotState());
  /** The accounts' current token versions: a disabled account or a reset password bumps its version. */
  const accountVersions = new Map<string, number>([['staff-1', 3]]);
  const server = http.createServer();
  const sockets = attachLiveSocket(server, {
    tokens,
    staff: { acceptsToken: async (userId, version) => accountVersions.get(userId) === version },
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
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => {
    await sockets.close();
    await new Promise((resolve) => server.close(resolve));
  });

  /** The first answer of the server to a socket that authenticates with `token`: ready, or the close code. */
  const firstAnswer = (token: string) =>
    new Promise<string>((resolve) => {
      const socket = new WebSocket(`${url}?token=${token}`);
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8'));
        if (message.type === 'ready') {
          resolve('ready');
          socket.close();
        }
      });
      socket.on('close', (code) => resolve(`closed ${code}`));
    });

  it('is accepted while the account accepts it', async () => {
    expect(await firstAnswer(tokens.issueStaff({ id: 'staff-1', name: 'Olga', role: 'operator' }, 3))).toBe('ready');
  });

  it('is refused once the account was disabled or its password reset', async () => {
    const token = tokens.issueStaff({ id: 'staff-1', name: 'Olga', role: 'operator' }, 3);
    accountVersions.set('staff-1', 4);
    expect(await firstAnswer(token)).toBe('closed 4401');
  });
});
