import { GroupCommit } from '../infra/group-commit';
import type { Database } from './database';

/** A pile is available unless it is offline or faulted (the dashboards' utilization divides by this time). */
export const isAvailableState = (state: string | undefined) => state !== 'offline' && state !== 'faulted';

/**
 * The durable history of piles' availability, written by the gateway as it hears it (live state in the hot store is
 * not kept). Rows are only inserted; a repeated row changes no interval, so the writers need no exactness.
 */
export class PileStatusHistory {
  /**
   * Rows go in multi-row inserts: a gateway that (re)subscribes takes in every pile's retained status at once,
   * and one commit (a log flush) per row kept it busy for tens of seconds (2,000 piles: 19 s per status on average) before its telemetry.
   */
  private readonly rows: GroupCommit<{ pileId: string; state: string; available: boolean; at: Date }>;

  constructor(db: Database) {
    this.rows = new GroupCommit((rows) => db.models.PileStatusChange.bulkCreate(rows).then(() => undefined));
  }

  record(pileId: string, state: string, at: Date): Promise<void> {
    return this.rows.add({ pileId, state: state.slice(0, 16), available: isAvailableState(state), at });
  }
}
