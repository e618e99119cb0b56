import type { LiveCheckpoint, SessionLiveRecord } from '../live/live-state';
import { SubscriptionShare } from './gateway-lease';
import type { RecoverableSessionRecords } from './session-records';

/**
 * The gateway's short-lived copy of each charging session's live record (tariff, meter start, last checkpoint),
 * so a telemetry sample costs no Redis read. While a session charges, only its checkpoint changes: this gateway's
 * own checkpoints move the copy on, and a newer one taken by another gateway shows when this gateway's claim of the
 * same checkpoint slot fails (meter-readings.ts forgets the copy then); progress priced from the older checkpoint is
 * the same. So a charging session's copy lives `chargingTtlMs` (the checkpoint interval in the gateway) and a
 * session not charging yet, whose meter start another gateway may record, the base `ttlMs`. Stretching a charging
 * copy's life with the number of gateways keeps the reads of all of them together at one per session and
 * `chargingTtlMs`. Unknown sessions are remembered briefly too, so stray telemetry does not hammer Redis.
 */
export class SessionRecordCache {
  private readonly entries = new Map<string, { record: SessionLiveRecord | undefined; until: number }>();
  private readonly progressSavedAt = new Map<string, number>();
  private readonly share: SubscriptionShare;

  constructor(
    private readonly live: Pick<RecoverableSessionRecords, 'session'>,
    private readonly options: { ttlMs?: number; chargingTtlMs?: number; missTtlMs?: number; maxEntries?: number; clock?: () => number; share?: SubscriptionShare } = {},
  ) {
    this.share = options.share ?? new SubscriptionShare();
  }

  async get(sessionId: string): Promise<SessionLiveRecord | undefined> {
    const now = this.now();
    const cached = this.entries.get(sessionId);
    if (cached && cached.until > now) return cached.record;
    const record = await this.live.session(sessionId);
    if (this.entries.size >= (this.options.maxEntries ?? 50_000)) this.evictExpired(now);
    this.entries.set(sessionId, { record, until: now + this.lifeOf(record) });
    return record;
  }

  /** This gateway took a checkpoint: its copy moves on with it. */
  checkpointTaken(sessionId: string, checkpoint: LiveCheckpoint): void {
    const cached = this.entries.get(sessionId);
    if (cached?.record) cached.record = { ...cached.record, checkpoint };
  }

  /** Whether this session's progress is due to be saved again: the live gateways together save it about once per `everyMs`. */
  progressDue(sessionId: string, everyMs: number): boolean {
    const now = this.now();
    if (now - (this.progressSavedAt.get(sessionId) ?? 0) < everyMs * this.share.liveGateways) return false;
    if (this.progressSavedAt.size >= (this.options.maxEntries ?? 50_000)) this.progressSavedAt.clear();
    this.progressSavedAt.set(sessionId, now);
    return true;
  }

  /** The record changed in a way the copy cannot follow (charging started, another gateway's checkpoint). */
  forget(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  /** A record not charging yet is about to change (its meter start) and keeps the base life, whatever the gateways. */
  private lifeOf(record: SessionLiveRecord | undefined): number {
    if (!record) return this.options.missTtlMs ?? 1_000;
    const ttlMs = this.options.ttlMs ?? 10_000;
    return record.meterStartWh === undefined ? ttlMs : (this.options.chargingTtlMs ?? ttlMs) * this.share.liveGateways;
  }

  private now() {
    return (this.options.clock ?? Date.now)();
  }

  private evictExpired(now: number) {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    if (this.entries.size >= (this.options.maxEntries ?? 50_000)) this.entries.clear();
  }
}
