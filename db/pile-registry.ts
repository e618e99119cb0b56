import type { HotState } from '../infra/hot-state';
import { channels } from '../infra/hot-state/keys';
import type { Database } from './database';
import type { PileProtocol } from './models';

export interface RegisteredPile {
  pileId: string;
  stationId: string;
  /** Rated power: the pile's meter cannot plausibly rise faster. */
  maxPowerW: number;
  /** Which front door the pile comes through (and its commands go out of). */
  protocol: PileProtocol;
}

/** An unknown pile id is remembered this long at most, so a pile added by staff is heard at once even if a change announcement is missed. */
const UNKNOWN_PILE_TTL_MS = 5_000;

/**
 * Which piles exist and where: read from the database, cached (piles are rarely added). With `hot`, the cache is
 * dropped whenever staff announce a catalogue change (StationDirectory.changed), so a new pile's messages are
 * accepted and a new rated power applies without a restart.
 */
export class PileRegistry {
  private readonly cache = new Map<string, { pile: RegisteredPile | undefined; until: number }>();
  private following?: Promise<unknown>;

  constructor(private readonly options: { db: Database; hot?: HotState; ttlMs?: number; clock?: () => number }) {}

  async lookup(pileId: string): Promise<RegisteredPile | undefined> {
    if (this.options.hot) await (this.following ??= this.options.hot.subscribe(channels.catalogueChanged, () => this.cache.clear()));
    const now = (this.options.clock ?? Date.now)();
    const cached = this.cache.get(pileId);
    if (cached && cached.until > now) return cached.pile;
    const row = await this.options.db.models.Pile.findByPk(pileId, { attributes: ['id', 'stationId', 'maxPowerW', 'protocol'] });
    const pile = row ? { pileId: row.id, stationId: row.stationId, maxPowerW: row.maxPowerW, protocol: row.protocol } : undefined;
    const ttlMs = this.options.ttlMs ?? 60_000;
    this.cache.set(pileId, { pile, until: now + (pile ? ttlMs : Math.min(ttlMs, UNKNOWN_PILE_TTL_MS)) });
    return pile;
  }
}
