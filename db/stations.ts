import type { HotState } from '../infra/hot-state';
import { hotKeys } from '../infra/hot-state/keys';
import type { Tariff } from '../domain/tariff';
import { Pile, Station, TariffRecord } from './models';

export interface StationWithPiles {
  station: Station;
  tariff: Tariff;
  piles: Pile[];
}

/** Stations, their piles and tariffs (the catalog), with the geo index the nearby search reads. */
export class StationDirectory {
  constructor(private readonly hot: HotState) {}

  async get(stationId: string): Promise<StationWithPiles | undefined> {
    const [found] = await this.load([stationId]);
    return found;
  }

  /** The given stations in that order, or (without ids) the first `limit` by id. */
  async load(stationIds?: string[], limit = 200): Promise<StationWithPiles[]> {
    const stations = await Station.findAll({
      where: stationIds ? { id: stationIds } : undefined,
      limit: stationIds ? undefined : limit,
      include: [
        { model: Pile, as: 'piles' },
        { model: TariffRecord, as: 'tariff' },
      ],
      order: [['id', 'ASC']],
    });
    const byId = new Map(stations.map((s) => [s.id, s]));
    const ordered = stationIds ? stationIds.map((id) => byId.get(id)).filter((s): s is Station => !!s) : stations;
    return ordered.map((station) => {
      const { piles, tariff } = station as Station & { piles: Pile[]; tariff: TariffRecord };
      return { station, tariff: tariff.definition, piles: [...piles].sort((a, b) => a.id.localeCompare(b.id)) };
    });
  }

  async pileByCode(code: string): Promise<{ pile: Pile; station: Station; tariff: Tariff } | undefined> {
    const pile = await Pile.findOne({ where: { code } });
    if (!pile) return undefined;
    const found = await this.get(pile.stationId);
    return found && { pile, station: found.station, tariff: found.tariff };
  }

  /** Nearby station ids within `radiusM`, nearest first, with their distance (Redis GEOSEARCH). */
  async nearby(center: { lat: number; lng: number }, radiusM: number, limit = 200) {
    return this.hot.geoSearch(hotKeys.stationsGeo, center, radiusM, limit);
  }

  /** (Re)builds the geo index from the database; run at start-up and after a station is added. */
  async indexGeo(): Promise<number> {
    const stations = await Station.findAll({ attributes: ['id', 'lat', 'lng'] });
    for (const s of stations) await this.hot.geoAdd(hotKeys.stationsGeo, s.id, { lat: s.lat, lng: s.lng });
    return stations.length;
  }
}
