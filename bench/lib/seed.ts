import { DEMO_TARIFF } from '../../system/seed-demo';
import type { Database } from '../../db/database';
import type { PileProtocol } from '../../db/models';
import { FleetCatalogue } from '../../db/fleet-catalogue';
import { type FleetPileSpec, fleetPileSpecs } from '../../simulator';

export interface BenchStation {
  stationId: string;
  lat: number;
  lng: number;
  piles: FleetPileSpec[];
}

/** Centre of the benchmark city (People's Square, Shanghai) and the side of the square the stations cover. */
export const CITY_CENTRE = { lat: 31.2304, lng: 121.4737 };
const CITY_SIDE_KM = 40;
const KM_PER_DEGREE_LAT = 111.32;

/**
 * `stationCount` stations of `pilesPerStation` simulated piles each (ids as the simulator names them), on a
 * grid over a 40 × 40 km city with a fixed jitter, so every run sees the same geography.
 */
export function benchStations(prefix: string, stationCount: number, pilesPerStation: number): BenchStation[] {
  const perRow = Math.ceil(Math.sqrt(stationCount));
  const stepKm = CITY_SIDE_KM / perRow;
  const kmPerDegreeLng = KM_PER_DEGREE_LAT * Math.cos((CITY_CENTRE.lat * Math.PI) / 180);
  return Array.from({ length: stationCount }, (_, i) => {
    const stationId = `${prefix}-s${String(i + 1).padStart(4, '0')}`;
    const jitter = ((i * 7919) % 100) / 100 - 0.5; // deterministic, within half a grid step
    const northKm = (Math.floor(i / perRow) + 0.5 + jitter / 2) * stepKm - CITY_SIDE_KM / 2;
    const eastKm = ((i % perRow) + 0.5 - jitter / 2) * stepKm - CITY_SIDE_KM / 2;
    return {
      stationId,
      lat: CITY_CENTRE.lat + northKm / KM_PER_DEGREE_LAT,
      lng: CITY_CENTRE.lng + eastKm / kmPerDegreeLng,
      piles: fleetPileSpecs(stationId, pilesPerStation),
    };
  });
}

/** Writes the stations and piles (MQTT piles unless `protocol` says otherwise) in chunks: 25,000 piles are too many for one statement. */
export async function seedStations(db: Database, stations: BenchStation[], protocol: PileProtocol = 'mqtt'): Promise<void> {
  await db.migrate();
  const catalogue = new FleetCatalogue(db);
  await catalogue.addTariff(DEMO_TARIFF);
  for (const chunk of chunks(stations, 500)) {
    await catalogue.addStations(
      chunk.map((s, i) => ({
        id: s.stationId,
        name: `Bench station ${s.stationId}`,
        address: `${i + 1} Benchmark Road, Shanghai`,
        lat: s.lat,
        lng: s.lng,
        openingHours: '00:00-24:00',
        tariffId: DEMO_TARIFF.id,
      })),
    );
    const piles = chunk.flatMap((s) => s.piles.map((p) => ({ id: p.pileId, code: p.pileId, stationId: s.stationId, type: p.type, maxPowerW: p.maxPowerW, connectorType: 'GB/T', protocol })));
    for (const rows of chunks(piles, 2000)) await catalogue.addPiles(rows);
  }
}

export function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
