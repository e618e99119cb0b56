import type { SessionRecords } from '../db/session-records';
import type { LiveState, SessionLiveRecord } from '../live/live-state';

/**
 * Sessions' live records, put back from their durable records when the hot store has lost them: after a crash of
 * the embedded platform its in-process store is empty, yet piles outlive it and keep charging their sessions.
 */
export class RecoverableSessionRecords {
  constructor(
    private readonly live: LiveState,
    private readonly durable: Pick<SessionRecords, 'active' | 'activeOnPile'>,
    private readonly clock: () => number = Date.now,
  ) {}

  async session(sessionId: string): Promise<SessionLiveRecord | undefined> {
    return (await this.live.session(sessionId)) ?? this.restore(await this.durable.active(sessionId));
  }

  /** The session holding the pile right now, if any. */
  async occupant(pileId: string): Promise<Awaited<ReturnType<LiveState['occupant']>>> {
    const occupant = await this.live.occupant(pileId);
    if (occupant) return occupant;
    const restored = await this.restore(await this.durable.activeOnPile(pileId));
    return restored && { sessionId: restored.sessionId, status: restored.status };
  }

  private async restore(record: SessionLiveRecord | undefined): Promise<SessionLiveRecord | undefined> {
    if (!record) return undefined;
    await this.live.sessionRestored(record, this.clock());
    return (await this.live.session(record.sessionId)) ?? record;
  }
}
