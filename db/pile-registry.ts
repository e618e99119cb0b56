import type { Database } from './database';

export interface RegisteredPile {
  pileId: string;
  stationId: string;
  /** Rated power: the pile's meter cannot plausibly rise faster. */
  maxPowerW: number;
}

/** Which piles exist and where: read from the database, cached briefly (piles are rarely added). */
export class PileRegistry {
  private readonly cache = new Map<string, { pile: RegisteredPile | undefined; until: number }>();

  constructor(private readonly options: { db: Database; ttlMs?: number; clock?: () => number }) {}

  async lookup(pileId: string): Promise<RegisteredPile | undefined> {
    const now = (this.options.clock ?? Date.now)();
    const cached = this.cache.get(pileId);
    if (cached && cached.until > now) return cached.pile;
    const row = await this.options.db.models.Pile.findByPk(pileId, { attributes: ['id', 'stationId', 'maxPowerW'] });
    const pile = row ? { pileId: row.id, stationId: row.stationId, maxPowerW: row.maxPowerW } : undefined;
    this.cache.set(pileId, { pile, until: now + (this.options.ttlMs ?? 60_000) });
    return pile;
  }
}
