import type { LiveState } from '../live/live-state';

/** The sessions API nodes say someone is watching, each until its announcement lapses. */
export class WatchedSessions {
  private readonly until = new Map<string, number>();
  private stopListening?: () => Promise<void>;

  constructor(
    private readonly live: LiveState,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts listening, then asks the API nodes to announce what they watch (this gateway may have just restarted). */
  async start(): Promise<void> {
    this.stopListening = await this.live.onWatching((sessionIds, until) => {
      for (const id of sessionIds) this.until.set(id, Math.max(until, this.until.get(id) ?? 0));
    });
    await this.live.requestWatchingResync();
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
  }

  isWatched(sessionId: string): boolean {
    const until = this.until.get(sessionId);
    if (until === undefined) return false;
    if (until > this.clock()) return true;
    this.until.delete(sessionId);
    return false;
  }
}
