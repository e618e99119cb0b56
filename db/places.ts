import type { Database } from './database';

export interface Places {
  station(id: string): { id: string; name: string; address: string } | undefined;
  pile(id: string): { id: string; code: string; type: string; maxPowerW: number } | undefined;
}

/** Names and codes of stations and piles, for pages that mention them. */
export class PlaceNames {
  constructor(private readonly db: Database) {}

  /** The stations and piles that a page of sessions, orders or reviews mentions: two queries. */
  async of(refs: { stationId: string; pileId?: string }[]): Promise<Places> {
    const { Pile, Station } = this.db.models;
    const stationIds = [...new Set(refs.map((r) => r.stationId))];
    const pileIds = [...new Set(refs.flatMap((r) => (r.pileId ? [r.pileId] : [])))];
    const [stations, piles] = await Promise.all([
      stationIds.length ? Station.findAll({ where: { id: stationIds }, attributes: ['id', 'name', 'address'] }) : [],
      pileIds.length ? Pile.findAll({ where: { id: pileIds }, attributes: ['id', 'code', 'type', 'maxPowerW'] }) : [],
    ]);
    const stationById = new Map(stations.map((s) => [s.id, { id: s.id, name: s.name, address: s.address }]));
    const pileById = new Map(piles.map((p) => [p.id, { id: p.id, code: p.code, type: p.type, maxPowerW: p.maxPowerW }]));
    return { station: (id) => stationById.get(id), pile: (id) => pileById.get(id) };
  }
}
