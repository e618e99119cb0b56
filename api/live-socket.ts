import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Gauge, type Registry } from 'prom-client';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { channels } from '../infra/hot-state/keys';
import { type LiveMessage, type LiveState, progressInOrder } from '../live/live-state';
import type { Logger } from '../infra/logger';
import { type AuthUser, isStaff, type StaffTokenCheck, type TokenService, verifiedUser } from './auth';
import type { SessionService } from './session-service';
import type { SessionWatchers } from './session-watchers';

const target = z
  .object({ sessionId: z.string().min(1).max(64).optional(), stationId: z.string().min(1).max(64).optional(), fleet: z.literal(true).optional() })
  .refine((t) => [t.sessionId, t.stationId, t.fleet].filter((v) => v !== undefined).length === 1, 'name exactly one of sessionId, stationId or fleet:true');

/** The hot store's channel of a subscription: one session, one station, or every station (the fleet, staff only). */
function channelOf(t: z.infer<typeof target>): string {
  if (t.sessionId) return channels.session(t.sessionId);
  if (t.stationId) return channels.station(t.stationId);
  return channels.fleet;
}
const clientMessage = z.union([
  z.object({ type: z.literal('auth'), token: z.string().max(4096) }),
  z.object({ type: z.literal(['subscribe', 'unsubscribe']) }).and(target),
]);

/** Frames larger than this close the socket with 1009 (ws does it once its 'error' is listened to). */
const MAX_FRAME_BYTES = 4096;

/** Close codes a client sees: the standard ones for bad frames, 44xx for what this server decided. */
export const CLOSE_CODES = {
  unsupportedData: 1003,
  policyViolation: 1008,
  unauthenticated: 4401,
} as const;

export interface LiveSocketLimits {
  authGraceMs: number;
  maxConnectionsPerIp: number;
  maxSubscriptions: number;
  maxMessagesPerSecond: number;
}

export interface LiveSocketDeps {
  tokens: TokenService;
  staff: StaffTokenCheck;
  live: LiveState;
  sessions: Pick<SessionService, 'view'>;
  watchers: Pick<SessionWatchers, 'watchBySocket'>;
  logger: Logger;
  metrics: Registry;
  limits: LiveSocketLimits;
  /** The client's address: the socket's peer, or X-Forwarded-For's first entry behind a trusted proxy. */
  clientIp(request: IncomingMessage): string;
}

/**
 * WebSocket at /ws: a driver follows their own session's progress, anyone signed in follows a station's pile
 * status, staff follow every station's (`{type:"subscribe", fleet:true}`: one channel, not one per station). Authenticate with `?token=` or a first `{type:"auth", token}` message within the grace period; then
 * `{type:"subscribe", sessionId}` or `{type:"subscribe", stationId}`. Updates arrive through the hot store's
 * pub/sub, so any API node can serve any client.
 *
 * Every connection is hostile until proven otherwise: a bad frame (too big, invalid UTF-8, binary, a protocol
 * error) or too many messages close that socket with a close code and touch nothing else; connections per IP and
 * subscriptions per connection are capped; messages of one socket are handled one after another.
 */
export function attachLiveSocket(server: Server, deps: LiveSocketDeps): { close(): Promise<void> } {
  const { limits, logger } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const connectionsByIp = new Map<string, number>();
  new Gauge({
    name: 'evcp_api_websocket_connections',
    help: 'Open WebSocket connections on this API node',
    registers: [deps.metrics],
    collect() {
      this.set(wss.clients.size);
    },
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the raw socket over without an error listener: a reset must not become an uncaught 'error'.
    socket.on('error', (err) => logger.debug({ err }, 'upgrade socket error'));
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    const ip = deps.clientIp(request);
    if ((connectionsByIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp) return refuseUpgrade(socket, 429, 'Too Many Requests');
    wss.handleUpgrade(request, socket, head, (ws) => {
      connectionsByIp.set(ip, (connectionsByIp.get(ip) ?? 0) + 1);
      ws.once('close', () => {
        const left = (connectionsByIp.get(ip) ?? 1) - 1;
        if (left > 0) connectionsByIp.set(ip, left);
        else connectionsByIp.delete(ip);
      });
      wss.emit('connection', ws, request);
    });
  });

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const subscriptions = new Map<string, () => Promise<void>>();
    let user: AuthUser | undefined;
    let alive = true;
    let pending = Promise.resolve();
    const overRate = messageRateGuard(limits.maxMessagesPerSecond);
    const open = () => ws.readyState === WebSocket.OPEN;
    const send = (message: object) => open() && ws.send(JSON.stringify(message));
    const fail = (code: string, message: string) => send({ type: 'error', error: { code, message } });
    const authenticate = async (token: string) => {
      try {
        user = await verifiedUser(deps.tokens, deps.staff, token);
        clearTimeout(authGrace);
        send({ type: 'ready', user });
      } catch {
        fail('UNAUTHENTICATED', 'invalid or expired token');
        ws.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
      }
    };
    const follow = async (channel: string, alsoOnEnd?: () => void) => {
      const inOrder = progressInOrder();
      const unsubscribe = await deps.live.subscribe(channel, (message: LiveMessage) => inOrder(message) && send(message));
      const end = async () => {
        alsoOnEnd?.();
        await unsubscribe();
      };
      if (!open()) return end(); // closed while subscribing: nothing may outlive the socket
      subscriptions.set(channel, end);
    };

    // ws closes the socket itself (1009 too big, 1007 invalid UTF-8, 1002 protocol error) once 'error' is heard.
    ws.on('error', (err) => logger.debug({ err, code: (err as { code?: string }).code }, 'websocket closed on a bad frame'));
    const authGrace = setTimeout(() => {
      if (!user) ws.close(CLOSE_CODES.unauthenticated, 'authenticate first');
    }, limits.authGraceMs);

    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    // Queued like a message, so a subscribe sent right after connecting waits for the token's check.
    if (token) pending = pending.then(() => authenticate(token));

    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);

    const handle = async (message: z.infer<typeof clientMessage>) => {
      if (message.type === 'auth') return authenticate(message.token);
      if (!user) return fail('UNAUTHENTICATED', 'send {"type":"auth","token":...} first');
      try {
        if (message.type === 'subscribe') {
          const channel = channelOf(message);
          if (message.fleet && !isStaff(user)) return fail('FORBIDDEN', 'only staff may follow the whole fleet');
          if (!subscriptions.has(channel) && subscriptions.size >= limits.maxSubscriptions) {
            return fail('TOO_MANY_SUBSCRIPTIONS', `at most ${limits.maxSubscriptions} subscriptions per connection; unsubscribe first`);
          }
          if (message.sessionId) {
            const view = await deps.sessions.view(user, message.sessionId); // NOT_FOUND unless it is theirs
            if (!subscriptions.has(channel)) await follow(channel, deps.watchers.watchBySocket(message.sessionId));
            send({ type: 'session.status', sessionId: view.sessionId, status: view.status, at: new Date().toISOString(), energyWh: view.energyWh, costFen: view.costFen, endReason: view.endReason, bill: view.bill });
          } else {
            if (!subscriptions.has(channel)) await follow(channel);
            send(message.fleet ? { type: 'subscribed', fleet: true } : { type: 'subscribed', stationId: message.stationId });
          }
        } else {
          const channel = channelOf(message);
          await subscriptions.get(channel)?.();
          subscriptions.delete(channel);
        }
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'INTERNAL';
        fail(code, code === 'INTERNAL' ? 'could not subscribe' : (error as Error).message);
        if (code === 'INTERNAL') logger.error({ err: error }, 'websocket subscribe failed');
      }
    };

    ws.on('message', (raw: RawData, isBinary: boolean) => {
      if (overRate()) return ws.close(CLOSE_CODES.policyViolation, 'too many messages');
      if (isBinary) return ws.close(CLOSE_CODES.unsupportedData, 'text frames only');
      let parsed;
      try {
        parsed = clientMessage.safeParse(JSON.parse(raw.toString()));
      } catch {
        return fail('VALIDATION_FAILED', 'messages must be JSON');
      }
      if (!parsed.success) return fail('VALIDATION_FAILED', parsed.error.issues[0].message);
      const message = parsed.data;
      pending = pending
        .then(async () => {
          if (open()) await handle(message);
        })
        .catch((err) => logger.error({ err }, 'websocket message failed'));
    });

    ws.on('close', () => {
      clearTimeout(authGrace);
      clearInterval(heartbeat);
      void pending.then(() => {
        for (const unsubscribe of subscriptions.values()) void unsubscribe();
        subscriptions.clear();
      });
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

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** True once more than `perSecond` messages arrived within the current one-second window. */
function messageRateGuard(perSecond: number): () => boolean {
  let windowStartedAt = 0;
  let count = 0;
  return () => {
    const now = Date.now();
    if (now - windowStartedAt >= 1000) {
      windowStartedAt = now;
      count = 0;
    }
    return ++count > perSecond;
  };
}
