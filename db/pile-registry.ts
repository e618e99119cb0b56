import { Op } from 'sequelize';
import type { HotState } from '../infra/hot-state';
import { channels } from '../infra/hot-state/keys';
import type { Database } from './database';
import type { Pile, PileProtocol } from './models';

export interface RegisteredPile {
  pileId: string;
  stationId: string;
  /** Rated power: the pile's meter cannot plausibly rise faster. */
  maxPowerW: number;
  /** Which front door the pile comes through (and its commands go out of). */
  protocol: PileProtocol;
  /** An OCPP charger's connector: the chargePointId its charger connects as, and the connector's number (from 1). */
  ocpp?: { chargerId: string; connectorId: number };
}

type PileRow = Pick<Pile, 'id' | 'stationId' | 'maxPowerW' | 'protocol' | 'ocppChargerId' | 'ocppConnectorId'>;
const ATTRIBUTES = ['id', 'stationId', 'maxPowerW', 'protocol', 'ocppChargerId', 'ocppConnectorId'];

/** An OCPP pile written without its charger (a script's insert) is connector 1 of a charger of its own id, as migration 0017 backfills. */
const registered = (row: PileRow): RegisteredPile => ({
  pileId: row.id,
  stationId: row.stationId,
  maxPowerW: row.maxPowerW,
  protocol: row.protocol,
  ...(row.protocol === 'ocpp1.6' ? { ocpp: { chargerId: row.ocppChargerId ?? row.id, connectorId: row.ocppConnectorId ?? 1 } } : {}),
});

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
    const row = await this.options.db.models.Pile.findByPk(pileId, { attributes: ATTRIBUTES });
    const pile = row ? registered(row) : undefined;
    const ttlMs = this.options.ttlMs ?? 60_000;
    this.cache.set(pileId, { pile, until: now + (pile ? ttlMs : Math.min(ttlMs, UNKNOWN_PILE_TTL_MS)) });
    return pile;
  }

  /**
   * The connectors of the OCPP charger `chargePointId`, by connector number; none when no charger connects as it.
   * Read when the charger connects (not cached), so connectors added since are served on its next connection.
   */
  async connectorsOf(chargePointId: string): Promise<RegisteredPile[]> {
    const rows = await this.options.db.models.Pile.findAll({
      where: { protocol: 'ocpp1.6', [Op.or]: [{ ocppChargerId: chargePointId }, { id: chargePointId, ocppChargerId: null }] },
      attributes: ATTRIBUTES,
    });
    return rows.map(registered).sort((a, b) => a.ocpp!.connectorId - b.ocpp!.connectorId);
  }
}
