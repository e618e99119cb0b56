import type { InferAttributes } from 'sequelize';
import type { HotState } from '../infra/hot-state';
import { channels, hotKeys } from '../infra/hot-state/keys';
import type { Tariff } from '../domain/tariff';
import { nextTariffChangeAfter, type TariffVersion, tariffInForce, tariffOf } from '../domain/tariff-versions';
import type { Database } from './database';
import type { Pile, Station, TariffVersionRecord } from './models';

/** Plain values, not model instances: every listing reads them, and model getters cost more than the rest of a view. */
export type StationInfo = InferAttributes<Station>;
export type PileInfo = InferAttributes<Pile>;

export interface StationWithPiles {
  station: StationInfo;
  /** The version of the station's tariff in force when the catalogue was loaded (it reloads when another takes effect). */
  tariff: Tariff;
  /** Every version of the station's tariff, oldest first. */
  tariffVersions: TariffVersion[];
  /** Piles in service; retired piles are left out. */
  piles: PileInfo[];
}

interface Catalogue {
  loadedAt: number;
  /** The catalogue is stale from this instant on: a tariff version takes effect. */
  validUntil: number;
  generation: number;
  /** Stations in service, by id. */
  ordered: StationWithPiles[];
  byId: Map<string, StationWithPiles>;
  /** Every pile, retired ones and those of retired stations too (a session start must tell them apart from unknown codes). */
  byPileCode: Map<string, { pile: PileInfo; entry: StationWithPiles }>;
}

/** What a pile code names: the pile, its station and the tariff a session starting now snapshots. */
export interface PileWithStation {
  pile: PileInfo;
  station: StationInfo;
  tariff: Tariff;
  /** The pile or its station is retired: it starts no session. */
  retired: boolean;
}

/** The version in force at `atMs`; before the first version takes effect, the first version. */
export function tariffAt(tariffId: string, versions: TariffVersion[], atMs: number): Tariff {
  const version = tariffInForce(versions, atMs) ?? versions[0];
  if (!version) throw new Error(`tariff ${tariffId} has no version`);
  return tariffOf(tariffId, version);
}

/**
 * Stations, their piles and tariffs (the catalogue), with the geo index the nearby search reads. The catalogue
 * changes rarely and every listing reads it, so it is held in memory and reloaded (and re-indexed) when older
 * than `cacheTtlMs`, when a tariff version takes effect, or as soon as any node announces a change (`changed()`,
 * through the hot store's pub/sub): staff's edits show on every API node at once.
 */
export class StationDirectory {
  private catalogue?: Catalogue;
  private loading?: { generation: number; promise: Promise<Catalogue> };
  /** Bumped by every change announcement: a catalogue of an older generation is stale. */
  private generation = 0;
  private following?: Promise<unknown>;

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

  async pileByCode(code: string): Promise<PileWithStation | undefined> {
    const found = (await this.current()).byPileCode.get(code);
    if (!found) return undefined;
    const { pile, entry } = found;
    const tariff = tariffAt(entry.station.tariffId, entry.tariffVersions, this.now());
    return { pile, station: entry.station, tariff, retired: !!pile.retiredAt || !!entry.station.retiredAt };
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

  /** Tells every node (this one at once) that stations, piles or tariffs changed: their next read reloads. */
  async changed(): Promise<void> {
    this.generation += 1;
    await this.options.hot.publish(channels.catalogueChanged, JSON.stringify({ at: this.now() }));
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private async current(): Promise<Catalogue> {
    // Listening before the first load: no change announced after that load can be missed.
    await (this.following ??= this.options.hot.subscribe(channels.catalogueChanged, () => (this.generation += 1)));
    const now = this.now();
    const c = this.catalogue;
    if (c && c.generation === this.generation && now - c.loadedAt < (this.options.cacheTtlMs ?? 30_000) && now < c.validUntil) return c;
    if (!this.loading || this.loading.generation !== this.generation) {
      const loading = { generation: this.generation, promise: this.loadAll(now, this.generation) };
      this.loading = loading;
      void loading.promise.finally(() => {
        if (this.loading === loading) this.loading = undefined;
      }).catch(() => undefined);
    }
    return (this.catalogue = await this.loading.promise);
  }

  private async loadAll(now: number, generation: number): Promise<Catalogue> {
    const { Pile, Station, TariffVersionRecord } = this.options.db.models;
    const [stations, versionRows] = await Promise.all([
      Station.findAll({ include: [{ model: Pile, as: 'piles' }], order: [['id', 'ASC']] }),
      TariffVersionRecord.findAll({ attributes: ['tariffId', 'version', 'effectiveFrom', 'definition'], order: [['tariffId', 'ASC'], ['version', 'ASC']] }),
    ]);
    const versionsOf = new Map<string, TariffVersion[]>();
    for (const row of versionRows as TariffVersionRecord[]) {
      const list = versionsOf.get(row.tariffId) ?? [];
      list.push({ version: row.version, effectiveFrom: row.effectiveFrom.getTime(), definition: row.definition });
      versionsOf.set(row.tariffId, list);
    }
    let validUntil = Number.POSITIVE_INFINITY;
    const all = stations.map((row) => {
      const { piles, ...station } = row.get({ plain: true }) as StationInfo & { piles: PileInfo[] };
      const tariffVersions = versionsOf.get(station.tariffId) ?? [];
      validUntil = Math.min(validUntil, nextTariffChangeAfter(tariffVersions, now) ?? Number.POSITIVE_INFINITY);
      const sorted = piles.sort((a, b) => a.id.localeCompare(b.id));
      const entry: StationWithPiles = { station, tariff: tariffAt(station.tariffId, tariffVersions, now), tariffVersions, piles: sorted.filter((p) => !p.retiredAt) };
      return { entry, allPiles: sorted };
    });
    const ordered = all.filter(({ entry }) => !entry.station.retiredAt).map(({ entry }) => entry);
    await Promise.all(
      all.map(({ entry: { station } }) =>
        station.retiredAt ? this.options.hot.geoRemove(hotKeys.stationsGeo, station.id) : this.options.hot.geoAdd(hotKeys.stationsGeo, station.id, { lat: station.lat, lng: station.lng }),
      ),
    );
    return {
      loadedAt: now,
      validUntil,
      generation,
      ordered,
      byId: new Map(ordered.map((entry) => [entry.station.id, entry])),
      byPileCode: new Map(all.flatMap(({ entry, allPiles }) => allPiles.map((pile) => [pile.code, { pile, entry }] as const))),
    };
  }
}
