import type { InferAttributes } from 'sequelize';
import type { HotState } from '../infra/hot-state';
import { hotKeys } from '../infra/hot-state/keys';
import type { Tariff } from '../domain/tariff';
import type { Database } from './database';
import type { Pile, Station, TariffRecord } from './models';

/** Plain values, not model instances: every listing reads them, and model getters cost more than the rest of a view. */
export type StationInfo = InferAttributes<Station>;
export type PileInfo = InferAttributes<Pile>;

export interface StationWithPiles {
  station: StationInfo;
  tariff: Tariff;
  piles: PileInfo[];
}

interface Catalogue {
  loadedAt: number;
  ordered: StationWithPiles[];
  byId: Map<string, StationWithPiles>;
  byPileCode: Map<string, { pile: PileInfo; entry: StationWithPiles }>;
}

/**
 * Stations, their piles and tariffs (the catalogue), with the geo index the nearby search reads. The catalogue
 * changes rarely and every listing reads it, so it is held in memory and reloaded (and re-indexed) when older
 * than `cacheTtlMs`: a station, pile or tariff change shows within that time.
 */
export class StationDirectory {
  private catalogue?: Catalogue;
  private loading?: Promise<Catalogue>;

  constructor(private readonly options: { db: Database; hot: HotState; cacheTtlMs?: number; clock?: () => number }) {}

  async get(stationId: string): Promise<StationWithPiles | undefined> {
    return (await this.current()).byId.get(stationId);
  }

  /** The given stations in that order, or (without ids) the first `limit` by id. */
  async load(stationIds?: string[], limit = 200): Promise<StationWithPiles[]> {
    const catalogue = await this.current();
    if (!stationIds) return catalogue.ordered.slice(0, limit);
    return stationIds.map((id) => catalogue.byId.get(id)).filter((s): s is StationWithPiles => !!s);
  }

  async pileByCode(code: string): Promise<{ pile: PileInfo; station: StationInfo; tariff: Tariff } | undefined> {
    const found = (await this.current()).byPileCode.get(code);
    return found && { pile: found.pile, station: found.entry.station, tariff: found.entry.tariff };
  }

  /** Whether the station exists now, read from the database rather than the cached catalogue. */
  async exists(stationId: string): Promise<boolean> {
    return !!(await this.options.db.models.Station.findByPk(stationId, { attributes: ['id'] }));
  }

  /** Nearby station ids within `radiusM`, nearest first, with their distance (Redis GEOSEARCH). */
  async nearby(center: { lat: number; lng: number }, radiusM: number, limit = 200) {
    await this.current(); // the geo index is (re)built with the catalogue
    return this.options.hot.geoSearch(hotKeys.stationsGeo, center, radiusM, limit);
  }

  /** Loads the catalogue now (at start-up), indexing every station's position. */
  async refresh(): Promise<number> {
    this.catalogue = undefined;
    return (await this.current()).ordered.length;
  }

  private async current(): Promise<Catalogue> {
    const now = (this.options.clock ?? Date.now)();
    if (this.catalogue && now - this.catalogue.loadedAt < (this.options.cacheTtlMs ?? 30_000)) return this.catalogue;
    this.loading ??= this.loadAll(now).finally(() => (this.loading = undefined));
    return (this.catalogue = await this.loading);
  }

  private async loadAll(now: number): Promise<Catalogue> {
    const { Pile, Station, TariffRecord } = this.options.db.models;
    const stations = await Station.findAll({
      include: [
        { model: Pile, as: 'piles' },
        { model: TariffRecord, as: 'tariff' },
      ],
      order: [['id', 'ASC']],
    });
    const ordered = stations.map((row) => {
      const { piles, tariff, ...station } = row.get({ plain: true }) as StationInfo & { piles: PileInfo[]; tariff: InferAttributes<TariffRecord> };
      return { station, tariff: tariff.definition, piles: piles.sort((a, b) => a.id.localeCompare(b.id)) };
    });
    await Promise.all(ordered.map(({ station }) => this.options.hot.geoAdd(hotKeys.stationsGeo, station.id, { lat: station.lat, lng: station.lng })));
    return {
      loadedAt: now,
      ordered,
      byId: new Map(ordered.map((entry) => [entry.station.id, entry])),
      byPileCode: new Map(ordered.flatMap((entry) => entry.piles.map((pile) => [pile.code, { pile, entry }] as const))),
    };
  }
}
