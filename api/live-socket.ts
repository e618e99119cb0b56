import type { IncomingMessage, Server } from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { channels } from '../infra/hot-state/keys';
import type { LiveMessage, LiveState } from '../infra/live-state';
import type { Logger } from '../infra/logger';
import type { AuthUser, TokenService } from './auth';
import type { SessionService } from './session-service';
import type { SessionWatchers } from './session-watchers';

const target = z
  .object({ sessionId: z.string().min(1).max(64).optional(), stationId: z.string().min(1).max(64).optional() })
  .refine((t) => (t.sessionId === undefined) !== (t.stationId === undefined), 'name exactly one of sessionId or stationId');
const clientMessage = z.union([
  z.object({ type: z.literal('auth'), token: z.string() }),
  z.object({ type: z.literal(['subscribe', 'unsubscribe']) }).and(target),
]);

interface LiveSocketDeps {
  tokens: TokenService;
  live: LiveState;
  sessions: Pick<SessionService, 'view'>;
  watchers: Pick<SessionWatchers, 'watchBySocket'>;
  logger: Logger;
  metrics: Registry;
}

/**
 * WebSocket at /ws: a driver follows their own session's progress, anyone signed in follows a station's pile
 * status. Authenticate with `?token=` or a first `{type:"auth", token}` message; then
 * `{type:"subscribe", sessionId}` or `{type:"subscribe", stationId}`. Updates arrive through the hot store's
 * pub/sub, so any API node can serve any client.
 */
export function attachLiveSocket(server: Server, deps: LiveSocketDeps): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  new Gauge({
    name: 'evcp_api_websocket_connections',
    help: 'Open WebSocket connections on this API node',
    registers: [deps.metrics],
    collect() {
      this.set(wss.clients.size);
    },
  });

  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/ws') return;
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const subscriptions = new Map<string, () => Promise<void>>();
    let user: AuthUser | undefined;
    let alive = true;
    const send = (message: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
    const fail = (code: string, message: string) => send({ type: 'error', error: { code, message } });
    const authenticate = (token: string) => {
      try {
        user = deps.tokens.verify(token);
        send({ type: 'ready', user });
      } catch {
        fail('UNAUTHENTICATED', 'invalid or expired token');
        ws.close(4401, 'unauthenticated');
      }
    };
    const follow = async (channel: string, alsoOnEnd?: () => void) => {
      if (subscriptions.has(channel)) return;
      const unsubscribe = await deps.live.subscribe(channel, (message: LiveMessage) => send(message));
      subscriptions.set(channel, async () => {
        alsoOnEnd?.();
        await unsubscribe();
      });
    };

    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    if (token) authenticate(token);

    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);

    ws.on('message', async (raw) => {
      let parsed;
      try {
        parsed = clientMessage.safeParse(JSON.parse(raw.toString()));
      } catch {
        return fail('VALIDATION_FAILED', 'messages must be JSON');
      }
      if (!parsed.success) return fail('VALIDATION_FAILED', parsed.error.issues[0].message);
      const message = parsed.data;
      if (message.type === 'auth') return authenticate(message.token);
      if (!user) return fail('UNAUTHENTICATED', 'send {"type":"auth","token":...} first');
      try {
        if (message.type === 'subscribe' && message.sessionId) {
          const view = await deps.sessions.view(user, message.sessionId); // NOT_FOUND unless it is theirs
          if (!subscriptions.has(channels.session(message.sessionId))) {
            await follow(channels.session(message.sessionId), deps.watchers.watchBySocket(message.sessionId));
          }
          send({ type: 'session.status', sessionId: view.sessionId, status: view.status, at: Date.now(), energyWh: view.energyWh, endReason: view.endReason, bill: view.bill });
        } else if (message.type === 'subscribe' && message.stationId) {
          await follow(channels.station(message.stationId));
          send({ type: 'subscribed', stationId: message.stationId });
        } else if (message.type === 'unsubscribe') {
          const channel = message.sessionId ? channels.session(message.sessionId) : channels.station(message.stationId!);
          await subscriptions.get(channel)?.();
          subscriptions.delete(channel);
        }
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'INTERNAL';
        fail(code, code === 'INTERNAL' ? 'could not subscribe' : (error as Error).message);
        if (code === 'INTERNAL') deps.logger.error({ err: error }, 'websocket subscribe failed');
      }
    });

    ws.on('close', () => {
      clearInterval(heartbeat);
      for (const unsubscribe of subscriptions.values()) void unsubscribe();
      subscriptions.clear();
    });
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
