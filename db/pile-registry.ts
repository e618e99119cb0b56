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
/** Unknown ids remembered at most (a fleet's worth of mistyped or retired ids); past it the memory of them starts over. */
const MAX_UNKNOWN_PILES = 10_000;

/**
 * Which piles exist and where: every pile read from the database in one query, held in memory and read again in
 * the background every `ttlMs` (piles are rarely added). One query, not one per pile: a gateway that subscribes
 * hears from every pile within seconds, and a lookup per pile made those seconds 10,000 queries. A pile the
 * snapshot does not know (added since) is read alone. With `hot`, the snapshot is dropped whenever staff announce a
 * catalogue change (StationDirectory.changed), so a new pile's messages are accepted and a new rated power applies
 * without a restart.
 */
export class PileRegistry {
  private snapshot?: { piles: Promise<Map<string, RegisteredPile>>; until: number };
  private readonly unknown = new Map<string, number>();
  private following?: Promise<unknown>;

  constructor(private readonly options: { db: Database; hot?: HotState; ttlMs?: number; clock?: () => number }) {}

  async lookup(pileId: string): Promise<RegisteredPile | undefined> {
    if (this.options.hot) await (this.following ??= this.options.hot.subscribe(channels.catalogueChanged, () => this.forget()));
    const now = this.now();
    const piles = await this.piles(now);
    const known = piles.get(pileId);
    if (known) return known;
    if ((this.unknown.get(pileId) ?? 0) > now) return undefined;
    const row = await this.options.db.models.Pile.findByPk(pileId, { attributes: ATTRIBUTES });
    if (row) {
      const pile = registered(row);
      piles.set(pileId, pile);
      return pile;
    }
    if (this.unknown.size >= MAX_UNKNOWN_PILES) this.unknown.clear();
    this.unknown.set(pileId, now + Math.min(this.ttlMs, UNKNOWN_PILE_TTL_MS));
    return undefined;
  }

  /** The snapshot; once it is older than the TTL a new one is read, and the old one serves until it arrives. */
  private piles(now: number): Promise<Map<string, RegisteredPile>> {
    const current = this.snapshot;
    if (!current) {
      const first = this.readAll();
      this.snapshot = { piles: first, until: now + this.ttlMs };
      first.catch(() => {
        if (this.snapshot?.piles === first) this.snapshot = undefined;
      });
      return first;
    }
    if (current.until <= now) {
      current.until = now + this.ttlMs;
      this.readAll().then(
        (piles) => {
          if (this.snapshot === current) this.snapshot = { piles: Promise.resolve(piles), until: current.until };
        },
        () => {
          if (this.snapshot === current) current.until = 0;
        },
      );
    }
    return current.piles;
  }

  private async readAll(): Promise<Map<string, RegisteredPile>> {
    const rows = await this.options.db.models.Pile.findAll({ attributes: ATTRIBUTES, raw: true });
    return new Map(rows.map((row) => [row.id, registered(row)]));
  }

  private forget(): void {
    this.snapshot = undefined;
    this.unknown.clear();
  }

  private get ttlMs(): number {
    return this.options.ttlMs ?? 60_000;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
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
