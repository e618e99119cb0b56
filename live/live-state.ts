import type { OpenSessionRequest, SessionIdentity, SessionLiveUpdates, SessionRecordFields } from '../activities/ports';
import type { Bill, EnergyByBand } from '../domain/billing';
import { type PileDeviceReport, type PileDisplayStatus, pileDisplayStatus } from '../domain/pile-status';
import type { EndReason, SessionStatus } from '../domain/session-state';
import { isFinal } from '../domain/session-state';
import type { Tariff } from '../domain/tariff';
import type { HotState } from '../infra/hot-state';
import { channels, hotKeys } from '../infra/hot-state/keys';

/** Messages pushed to live subscribers (WebSocket clients via the API). Times are ISO 8601, as everywhere in the API. */
export type LiveMessage =
  | {
      type: 'session.status';
      sessionId: string;
      status: SessionStatus;
      at: string;
      /** The last known figures: the bill's once settled, else the newer of the workflow's checkpoint and the gateway's progress. */
      energyWh: number;
      /** Absent while no price is known yet (no bill, no progress ahead of the checkpoint). */
      costFen?: number;
      endReason?: EndReason;
      bill?: Bill;
    }
  | {
      type: 'session.progress';
      sessionId: string;
      /** Pile clock of the sample this progress is computed from. */
      at: string;
      energyWh: number;
      powerW: number;
      costFen: number;
      elapsedSeconds: number;
      socPercent?: number;
    }
  | { type: 'pile.status'; stationId: string; pileId: string; status: PileDisplayStatus; at: string };

/** The last checkpoint the gateway sent for a session, and the energy per band up to it. */
export interface LiveCheckpoint {
  at: number;
  meterWh: number;
  ledger: EnergyByBand;
}

/** What the gateway needs to turn a session's telemetry into live progress and checkpoints. */
export interface SessionLiveRecord extends SessionIdentity {
  status: SessionStatus;
  tariff: Tariff;
  meterStartWh?: number;
  startedAt?: number;
  checkpoint?: LiveCheckpoint;
  /** The latest progress the gateway saved (every few seconds), for readers without a socket. */
  progress?: LiveProgress;
}

export type LiveProgress = Extract<LiveMessage, { type: 'session.progress' }>;

/**
 * A filter for one subscriber's stream: lets a session's progress through only when its sample is newer than the
 * last one let through. Several gateways share the piles' messages, and one that falls behind handles an older
 * sample after another gateway's newer one; a driver's figures must not run backwards. Other messages pass.
 */
export function progressInOrder(): (message: LiveMessage) => boolean {
  const lastAt = new Map<string, number>();
  return (message) => {
    if (message.type !== 'session.progress') return true;
    const at = Date.parse(message.at);
    if (at <= (lastAt.get(message.sessionId) ?? -Infinity)) return false;
    lastAt.set(message.sessionId, at);
    return true;
  };
}

const FINISHED_SESSION_TTL_MS = 24 * 3_600_000;

/**
 * A session's energy and cost as far as anyone knows: the bill once there is one; before that the gateway's saved
 * progress when it is ahead of the workflow's last checkpoint (which is up to a checkpoint interval old, and 0 before
 * the first), so a stopping session never falls back to 0 kWh on the driver's screen.
 */
export function lastKnownFigures(record: Pick<SessionRecordFields, 'energyWh' | 'bill'>, progress: LiveProgress | undefined): { energyWh: number; costFen?: number } {
  if (record.bill) return { energyWh: record.energyWh, costFen: record.bill.totalFen };
  if (progress && progress.energyWh >= record.energyWh) return { energyWh: progress.energyWh, costFen: progress.costFen };
  return { energyWh: record.energyWh };
}

/**
 * Live state shared by every process through the hot store: who occupies which pile, what each pile
 * last reported, the per-station status summary, and the pub/sub messages for live screens.
 */
export class LiveState implements SessionLiveUpdates {
  constructor(private readonly hot: HotState) {}

  // ── session side (activities) ───────────────────────────────────────────────────────

  async sessionOpened(request: OpenSessionRequest): Promise<void> {
    const { sessionId, userId, pileId, stationId, status, tariff } = request;
    await this.hot.hashSet(hotKeys.sessionLive(sessionId), { sessionId, userId, pileId, stationId, status, tariff: JSON.stringify(tariff) });
    await this.hot.hashSet(hotKeys.pileOccupancy(pileId), { sessionId, status });
    await this.refreshPileStatus(pileId, stationId, request.at);
  }

  async sessionChanged(session: SessionIdentity, record: SessionRecordFields, at: number): Promise<void> {
    const fields: Record<string, string> = { status: record.status };
    if (record.meterStartWh !== undefined) fields.meterStartWh = String(record.meterStartWh);
    if (record.startedAt !== undefined) fields.startedAt = String(record.startedAt);
    await this.hot.hashSet(hotKeys.sessionLive(session.sessionId), fields, isFinal(record.status) ? FINISHED_SESSION_TTL_MS : undefined);
    const occupancy = await this.hot.hashGetAll(hotKeys.pileOccupancy(session.pileId));
    if (occupancy.sessionId === session.sessionId) {
      await this.hot.hashSet(hotKeys.pileOccupancy(session.pileId), { status: record.status });
      await this.refreshPileStatus(session.pileId, session.stationId, at);
    }
    const progress = record.bill ? undefined : (await this.session(session.sessionId))?.progress;
    await this.publish(channels.session(session.sessionId), {
      type: 'session.status',
      sessionId: session.sessionId,
      status: record.status,
      at: new Date(at).toISOString(),
      ...lastKnownFigures(record, progress),
      endReason: record.endReason,
      bill: record.bill,
    });
  }

  async pileReleased(session: SessionIdentity): Promise<void> {
    const occupancy = await this.hot.hashGetAll(hotKeys.pileOccupancy(session.pileId));
    if (occupancy.sessionId !== session.sessionId) return;
    await this.hot.delete(hotKeys.pileOccupancy(session.pileId));
    await this.refreshPileStatus(session.pileId, session.stationId, Date.now());
  }

  async session(sessionId: string): Promise<SessionLiveRecord | undefined> {
    const h = await this.hot.hashGetAll(hotKeys.sessionLive(sessionId));
    if (!h.sessionId) return undefined;
    return {
      sessionId: h.sessionId,
      userId: h.userId,
      pileId: h.pileId,
      stationId: h.stationId,
      status: h.status as SessionStatus,
      tariff: JSON.parse(h.tariff) as Tariff,
      meterStartWh: h.meterStartWh === undefined ? undefined : Number(h.meterStartWh),
      startedAt: h.startedAt === undefined ? undefined : Number(h.startedAt),
      checkpoint: h.checkpoint === undefined ? undefined : (JSON.parse(h.checkpoint) as LiveCheckpoint),
      progress: h.progress === undefined ? undefined : (JSON.parse(h.progress) as LiveProgress),
    };
  }

  /**
   * Puts back the live record (and the pile's occupancy) of a session the hot store lost, from its durable
   * record. Metering counts from the meter start: the session itself keeps the exact checkpoints.
   */
  async sessionRestored(record: SessionLiveRecord, at: number): Promise<void> {
    const { sessionId, userId, pileId, stationId, status, tariff, meterStartWh, startedAt } = record;
    const fields: Record<string, string> = { sessionId, userId, pileId, stationId, status, tariff: JSON.stringify(tariff) };
    if (meterStartWh !== undefined && startedAt !== undefined) {
      const checkpoint: LiveCheckpoint = { at: startedAt, meterWh: meterStartWh, ledger: {} };
      Object.assign(fields, { meterStartWh: String(meterStartWh), startedAt: String(startedAt), checkpoint: JSON.stringify(checkpoint) });
    }
    await this.hot.hashSet(hotKeys.sessionLive(sessionId), fields);
    if (!(await this.occupant(pileId))) {
      await this.hot.hashSet(hotKeys.pileOccupancy(pileId), { sessionId, status });
      await this.refreshPileStatus(pileId, stationId, at);
    }
  }

  /** The pile reported metering began: progress and checkpoints count from here. */
  async chargingStarted(sessionId: string, meterStartWh: number, at: number): Promise<void> {
    const checkpoint: LiveCheckpoint = { at, meterWh: meterStartWh, ledger: {} };
    await this.hot.hashSet(hotKeys.sessionLive(sessionId), { meterStartWh: String(meterStartWh), startedAt: String(at), checkpoint: JSON.stringify(checkpoint) });
  }

  async checkpointTaken(sessionId: string, checkpoint: LiveCheckpoint): Promise<void> {
    await this.hot.hashSet(hotKeys.sessionLive(sessionId), { checkpoint: JSON.stringify(checkpoint) });
  }

  /** The session holding the pile right now, if any. */
  async occupant(pileId: string): Promise<{ sessionId: string; status: SessionStatus } | undefined> {
    const h = await this.hot.hashGetAll(hotKeys.pileOccupancy(pileId));
    return h.sessionId ? { sessionId: h.sessionId, status: h.status as SessionStatus } : undefined;
  }

  // ── pile side (gateway) ─────────────────────────────────────────────────────────────

  async pileReported(pileId: string, stationId: string, report: Required<PileDeviceReport> & { at: number; connectedAt?: number; faultCode?: string }): Promise<void> {
    const fields: Record<string, string> = { state: report.state, at: String(report.at), stateBeforeSilence: '', faultCode: report.faultCode ?? '' };
    if (report.connectedAt !== undefined) fields.connectedAt = String(report.connectedAt);
    await this.hot.hashSet(hotKeys.pileDevice(pileId), fields);
    await this.refreshPileStatus(pileId, stationId, report.at);
  }

  /** The gateway stopped hearing from the pile: show it offline, remembering what it was doing. */
  async pileFellSilent(pileId: string, stationId: string, at: number): Promise<boolean> {
    const device = await this.pileDevice(pileId);
    if (device.state === undefined || device.state === 'offline') return false;
    await this.hot.hashSet(hotKeys.pileDevice(pileId), { state: 'offline', at: String(at), stateBeforeSilence: device.state });
    await this.refreshPileStatus(pileId, stationId, at);
    return true;
  }

  /**
   * Heard from a pile: its last-seen time moves to `at`, and when it had fallen silent (without reconnecting), what
   * it was doing is restored. True when it was restored.
   */
  async pileHeard(pileId: string, stationId: string, at: number): Promise<boolean> {
    const [state, stateBeforeSilence] = await this.hot.scoreSetThenHashGet(hotKeys.pilesLastSeen, pileId, at, hotKeys.pileDevice(pileId), ['state', 'stateBeforeSilence']);
    if (state !== 'offline' || !stateBeforeSilence) return false;
    await this.hot.hashSet(hotKeys.pileDevice(pileId), { state: stateBeforeSilence, at: String(at), stateBeforeSilence: '' });
    await this.refreshPileStatus(pileId, stationId, at);
    return true;
  }

  async publishProgress(message: LiveProgress): Promise<void> {
    await this.publish(channels.session(message.sessionId), message);
  }

  async saveProgress(message: LiveProgress): Promise<void> {
    await this.hot.hashSet(hotKeys.sessionLive(message.sessionId), { progress: JSON.stringify(message) });
  }

  async pileDevice(pileId: string): Promise<PileDeviceReport & { at?: number; connectedAt?: number; faultCode?: string }> {
    const h = await this.hot.hashGetAll(hotKeys.pileDevice(pileId));
    return {
      state: h.state as PileDeviceReport['state'],
      at: h.at ? Number(h.at) : undefined,
      connectedAt: h.connectedAt ? Number(h.connectedAt) : undefined,
      faultCode: h.faultCode || undefined,
    };
  }

  // ── readers (API) ───────────────────────────────────────────────────────────────────

  /** pileId → display status for one station; piles never heard from are absent (offline). */
  async stationPiles(stationId: string): Promise<Record<string, PileDisplayStatus>> {
    return (await this.hot.hashGetAll(hotKeys.stationPiles(stationId))) as Record<string, PileDisplayStatus>;
  }

  // ── who is watching which session (progress is computed and sent only for those) ─────

  async announceWatching(sessionIds: string[], untilMs: number): Promise<void> {
    if (sessionIds.length) await this.hot.publish(channels.watching, JSON.stringify({ sessionIds, until: untilMs }));
  }

  onWatching(listener: (sessionIds: string[], untilMs: number) => void) {
    return this.hot.subscribe(channels.watching, (raw) => {
      const { sessionIds, until } = JSON.parse(raw) as { sessionIds: string[]; until: number };
      listener(sessionIds, until);
    });
  }

  async requestWatchingResync(): Promise<void> {
    await this.hot.publish(channels.watchingResync, '{}');
  }

  onWatchingResync(listener: () => void) {
    return this.hot.subscribe(channels.watchingResync, () => listener());
  }

  subscribe(channel: string, listener: (message: LiveMessage) => void) {
    return this.hot.subscribe(channel, (raw) => listener(JSON.parse(raw) as LiveMessage));
  }

  private async refreshPileStatus(pileId: string, stationId: string, at: number) {
    const [device, occupancy, summary] = await Promise.all([this.pileDevice(pileId), this.occupant(pileId), this.stationPiles(stationId)]);
    const status = pileDisplayStatus(device, occupancy?.status);
    if (summary[pileId] === status) return;
    await this.hot.hashSet(hotKeys.stationPiles(stationId), { [pileId]: status });
    const message: LiveMessage = { type: 'pile.status', stationId, pileId, status, at: new Date(at).toISOString() };
    // The station's channel for its drivers; the fleet channel for staff watching every station (one subscription each).
    await Promise.all([this.publish(channels.station(stationId), message), this.publish(channels.fleet, message)]);
  }

  private async publish(channel: string, message: LiveMessage) {
    await this.hot.publish(channel, JSON.stringify(message));
  }
}
