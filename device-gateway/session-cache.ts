import type { LiveCheckpoint, SessionLiveRecord } from '../live/live-state';
import type { RecoverableSessionRecords } from './session-records';

/**
 * The gateway's short-lived copy of each charging session's live record (tariff, meter start, last checkpoint),
 * so a telemetry sample costs no Redis read. A copy may lag another gateway's checkpoint by up to `ttlMs`; that
 * is safe: progress priced from an older checkpoint is the same, and the checkpoint slot itself is claimed in
 * Redis. Unknown sessions are remembered briefly too, so stray telemetry does not hammer Redis.
 */
export class SessionRecordCache {
  private readonly entries = new Map<string, { record: SessionLiveRecord | undefined; until: number }>();
  private readonly progressSavedAt = new Map<string, number>();

  constructor(
    private readonly live: Pick<RecoverableSessionRecords, 'session'>,
    private readonly options: { ttlMs?: number; missTtlMs?: number; maxEntries?: number; clock?: () => number } = {},
  ) {}

  async get(sessionId: string): Promise<SessionLiveRecord | undefined> {
    const now = this.now();
    const cached = this.entries.get(sessionId);
    if (cached && cached.until > now) return cached.record;
    const record = await this.live.session(sessionId);
    if (this.entries.size >= (this.options.maxEntries ?? 50_000)) this.evictExpired(now);
    this.entries.set(sessionId, { record, until: now + (record ? (this.options.ttlMs ?? 10_000) : (this.options.missTtlMs ?? 1_000)) });
    return record;
  }

  /** This gateway took a checkpoint: its copy moves on with it. */
  checkpointTaken(sessionId: string, checkpoint: LiveCheckpoint): void {
    const cached = this.entries.get(sessionId);
    if (cached?.record) cached.record = { ...cached.record, checkpoint };
  }

  /** Whether this session's progress is due to be saved again (at most once per `everyMs` per gateway). */
  progressDue(sessionId: string, everyMs: number): boolean {
    const now = this.now();
    if (now - (this.progressSavedAt.get(sessionId) ?? 0) < everyMs) return false;
    if (this.progressSavedAt.size >= (this.options.maxEntries ?? 50_000)) this.progressSavedAt.clear();
    this.progressSavedAt.set(sessionId, now);
    return true;
  }

  /** The record changed in a way the copy cannot follow (charging started, another gateway's checkpoint). */
  forget(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  private now() {
    return (this.options.clock ?? Date.now)();
  }

  private evictExpired(now: number) {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    if (this.entries.size >= (this.options.maxEntries ?? 50_000)) this.entries.clear();
  }
}
