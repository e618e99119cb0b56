import type { Database } from './database';

/** A pile is available unless it is offline or faulted (the dashboards' utilization divides by this time). */
export const isAvailableState = (state: string | undefined) => state !== 'offline' && state !== 'faulted';

/**
 * The durable history of piles' availability, written by the gateway as it hears it (live state in the hot store is
 * not kept). Rows are only inserted; a repeated row changes no interval, so the writers need no exactness.
 */
export class PileStatusHistory {
  constructor(private readonly db: Database) {}

  async record(pileId: string, state: string, at: Date): Promise<void> {
    await this.db.models.PileStatusChange.create({ pileId, state: state.slice(0, 16), available: isAvailableState(state), at });
  }
}
