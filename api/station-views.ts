import type { StationWithPiles } from '../db/stations';
import type { PileDisplayStatus } from '../domain/pile-status';
import { priceAt, type Tariff } from '../domain/tariff';

/**
 * The nested parts of a station's view that change only with the catalogue, built once per catalogue entry: a
 * nearby list builds fifty views per request, and rebuilding these cost as much as serializing the answer.
 */
const fixedParts = new WeakMap<StationWithPiles, ReturnType<typeof buildFixedPart>>();

function buildFixedPart({ station, tariff }: StationWithPiles) {
  return {
    location: { lat: station.lat, lng: station.lng },
    tariff: { name: tariff.name, bands: tariff.bands, idleFeeFenPerMinute: tariff.idleFeeFenPerMinute, idleGraceMinutes: tariff.idleGraceMinutes },
  };
}

function fixedPartOf(entry: StationWithPiles) {
  let fixed = fixedParts.get(entry);
  if (!fixed) fixedParts.set(entry, (fixed = buildFixedPart(entry)));
  return fixed;
}

/** The price in force, reused until its band ends. */
const pricesInForce = new WeakMap<Tariff, { from: number; until: number; view: ReturnType<typeof priceView> }>();

function priceView(tariff: Tariff, now: number) {
  const price = priceAt(tariff, now);
  return { ...price, validUntil: new Date(price.validUntil).toISOString() };
}

function priceInForce(tariff: Tariff, now: number) {
  const known = pricesInForce.get(tariff);
  if (known && now >= known.from && now < known.until) return known.view;
  const view = priceView(tariff, now);
  pricesInForce.set(tariff, { from: now, until: Date.parse(view.validUntil), view });
  return view;
}

type Counts = { total: number; idle: number };

/** The JSON a driver sees for a station: its piles with live status, and the price in force now. */
export function stationView(entry: StationWithPiles, statuses: Record<string, PileDisplayStatus>, now: number, distanceM?: number) {
  const { station, tariff } = entry;
  const { location, tariff: tariffView } = fixedPartOf(entry);
  // Fields listed rather than spread: object spread made the nearby list's 500 pile views ten times dearer.
  const piles = entry.piles.map((p) => ({ id: p.id, code: p.code, type: p.type, maxPowerW: p.maxPowerW, connectorType: p.connectorType, status: statuses[p.id] ?? ('offline') }));
  const summary: Counts & Record<'fast' | 'slow', Counts> = { total: 0, idle: 0, fast: { total: 0, idle: 0 }, slow: { total: 0, idle: 0 } };
  for (const pile of piles) {
    const idle = pile.status === 'idle' ? 1 : 0;
    summary.total += 1;
    summary.idle += idle;
    summary[pile.type].total += 1;
    summary[pile.type].idle += idle;
  }
  const { id, name, address, openingHours } = station;
  return { id, name, address, location, openingHours, distanceM, price: priceInForce(tariff, now), tariff: tariffView, summary, piles };
}
