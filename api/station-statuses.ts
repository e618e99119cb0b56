import type { PileDisplayStatus } from '../domain/pile-status';
import type { LiveState } from '../live/live-state';

type Statuses = Record<string, PileDisplayStatus>;

/**
 * Pile statuses for station lists (the nearby search), read from Redis at most once per `maxAgeMs` per
 * station and shared by every request in between, so a busy area's list costs one read per station and
 * second rather than one per request. A list may show a status up to `maxAgeMs` old; the station's
 * WebSocket channel, the station and pile pages and the session start itself read the live value.
 */
export class ListedStationStatuses {
  private readonly reads = new Map<string, { at: number; statuses: Promise<Statuses> }>();

  constructor(
    private readonly live: Pick<LiveState, 'stationPiles'>,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  of(stationId: string): Promise<Statuses> {
    const now = this.now();
    const recent = this.reads.get(stationId);
    if (recent && now - recent.at < this.maxAgeMs) return recent.statuses;
    const read = { at: now, statuses: this.live.stationPiles(stationId) };
    this.reads.set(stationId, read);
    read.statuses.catch(() => {
      if (this.reads.get(stationId) === read) this.reads.delete(stationId); // a failed read is not remembered
    });
    return read.statuses;
  }
}
