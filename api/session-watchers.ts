import type { LiveState } from '../live/live-state';
import type { Logger } from '../infra/logger';

/**
 * The sessions this API node's clients are watching (WebSocket subscriptions, REST polls). Gateways compute and
 * send live progress only for watched sessions, so 10,000 charging piles cost progress messages only for the few
 * hundred drivers looking at their phone. Announced when watching starts and again every `renewEveryMs`.
 */
export class SessionWatchers {
  private readonly sockets = new Map<string, number>();
  private readonly polled = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private stopResync?: () => Promise<void>;

  constructor(
    private readonly live: LiveState,
    private readonly logger: Logger,
    private readonly options: { renewEveryMs?: number; clock?: () => number } = {},
  ) {}

  async start(): Promise<void> {
    this.stopResync = await this.live.onWatchingResync(() => void this.announceAll());
    this.timer = setInterval(() => void this.announceAll(), this.renewEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.stopResync?.();
  }

  /** A socket follows the session until it calls the returned function. */
  watchBySocket(sessionId: string): () => void {
    this.sockets.set(sessionId, (this.sockets.get(sessionId) ?? 0) + 1);
    void this.announce([sessionId]);
    return () => {
      const left = (this.sockets.get(sessionId) ?? 1) - 1;
      if (left > 0) this.sockets.set(sessionId, left);
      else this.sockets.delete(sessionId);
    };
  }

  /** A REST read: keep progress coming for a while, for the next poll. */
  polledOver(sessionId: string): void {
    const fresh = !this.polled.has(sessionId);
    this.polled.set(sessionId, this.now() + 2 * this.renewEveryMs);
    if (fresh) void this.announce([sessionId]);
  }

  private get renewEveryMs() {
    return this.options.renewEveryMs ?? 30_000;
  }

  private now() {
    return (this.options.clock ?? Date.now)();
  }

  private async announceAll() {
    const now = this.now();
    for (const [id, until] of this.polled) if (until <= now) this.polled.delete(id);
    await this.announce([...new Set([...this.sockets.keys(), ...this.polled.keys()])]);
  }

  private async announce(sessionIds: string[]) {
    try {
      await this.live.announceWatching(sessionIds, this.now() + 2.5 * this.renewEveryMs);
    } catch (err) {
      this.logger.warn({ err }, 'could not announce watched sessions');
    }
  }
}
