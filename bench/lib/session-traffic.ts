import Redis from 'ioredis';
import { channels } from '../../infra/hot-state/keys';
import type { LiveMessage } from '../../live/live-state';
import type { SessionStatus } from '../../domain/session-state';
import { mapLimited, mapPaced, type Pace } from './concurrency';
import { type Distribution, distribution } from './stats';

export interface Driver {
  userId: string;
  token: string;
  pileId: string;
}

export interface StartedSession extends Driver {
  sessionId: string;
  /** When its `POST /sessions` left (this machine's clock). */
  requestedAt: number;
}

type StatusMessage = Extract<LiveMessage, { type: 'session.status' }>;

// The API's JSON answers are untyped; each caller names the fields it reads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call<T = any>(apiUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Every session status change the platform publishes, heard on the same Redis channels the API relays to
 * WebSocket clients; `reached` resolves with the moment a session got to a status.
 */
export class StatusWatch {
  private readonly seen = new Map<string, Map<SessionStatus, { at: number; message: StatusMessage }>>();
  private readonly waiting = new Map<string, () => void>();

  private constructor(private readonly redis: Redis) {
    redis.on('pmessage', (_pattern: string, _channel: string, raw: string) => {
      const message = JSON.parse(raw) as LiveMessage;
      if (message.type !== 'session.status') return;
      const statuses = this.seen.get(message.sessionId) ?? new Map();
      this.seen.set(message.sessionId, statuses);
      if (!statuses.has(message.status)) statuses.set(message.status, { at: Date.now(), message });
      this.waiting.get(`${message.sessionId}|${message.status}`)?.();
    });
  }

  static async open(redisUrl: string): Promise<StatusWatch> {
    const redis = new Redis(redisUrl);
    await redis.psubscribe(channels.session('*'));
    return new StatusWatch(redis);
  }

  /** When the session reached `status` (its first announcement); waits for it up to `timeoutMs`. */
  reached(sessionId: string, status: SessionStatus, timeoutMs: number): Promise<{ at: number; message: StatusMessage }> {
    const key = `${sessionId}|${status}`;
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.seen.get(sessionId)?.get(status);
        if (!hit) return false;
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`session ${sessionId} did not reach ${status} within ${timeoutMs} ms (saw ${[...(this.seen.get(sessionId)?.keys() ?? [])].join(', ') || 'nothing'})`));
      }, timeoutMs);
      if (!check()) this.waiting.set(key, check);
    });
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** One driver per pile: dev login and a wallet top-up, through the API. */
export function prepareDrivers(apiUrl: string, pileIds: string[], topUpFen: number): Promise<Driver[]> {
  return mapLimited(pileIds, 20, async (pileId, i) => {
    const { token, user } = await call(apiUrl, 'POST', '/auth/dev-login', { body: { name: `bench-driver-${i}` } });
    await call(apiUrl, 'POST', '/wallet/top-ups', { token, body: { amountFen: topUpFen } });
    return { userId: user.id, token, pileId };
  });
}

export interface StartRun {
  sessions: StartedSession[];
  elapsedMs: number;
  perSecond: number;
  /** POST /sessions → the session announced CHARGING. */
  latency: Distribution;
}

/** Starts a session for every driver through the API at `pace`, each until it is charging. */
export async function startSessions(apiUrl: string, drivers: Driver[], watch: StatusWatch, pace: Pace): Promise<StartRun> {
  const started = Date.now();
  const latencies: number[] = [];
  const sessions = await mapPaced(drivers, pace, async (driver) => {
    const requestedAt = Date.now();
    const { sessionId } = await call(apiUrl, 'POST', '/sessions', { token: driver.token, body: { pileCode: driver.pileId } });
    const { at } = await watch.reached(sessionId, 'CHARGING', 120_000);
    latencies.push(at - requestedAt);
    return { ...driver, sessionId, requestedAt };
  });
  const elapsedMs = Date.now() - started;
  return { sessions, elapsedMs, perSecond: Math.floor((sessions.length * 100_000) / elapsedMs) / 100, latency: distribution(latencies) };
}

/** Stops every session through the API and waits for each to be settled. */
export async function stopSessions(apiUrl: string, sessions: StartedSession[], watch: StatusWatch, concurrency: number) {
  return mapLimited(sessions, concurrency, async (s) => {
    await call(apiUrl, 'POST', `/sessions/${s.sessionId}/stop`, { token: s.token });
    return (await watch.reached(s.sessionId, 'COMPLETED', 180_000)).message;
  });
}
