import type { StationWithPiles } from '../db/stations';
import type { PileDisplayStatus } from '../domain/pile-status';
import { priceAt } from '../domain/tariff';

/** The JSON a driver sees for a station: its piles with live status, and the price in force now. */
export function stationView({ station, tariff, piles }: StationWithPiles, statuses: Record<string, PileDisplayStatus>, now: number, distanceM?: number) {
  const price = priceAt(tariff, now);
  const pileViews = piles.map((p) => ({
    id: p.id,
    code: p.code,
    type: p.type,
    maxPowerW: p.maxPowerW,
    connectorType: p.connectorType,
    status: statuses[p.id] ?? ('offline' as PileDisplayStatus),
  }));
  const count = (type?: string) => {
    const of = pileViews.filter((p) => !type || p.type === type);
    return { total: of.length, idle: of.filter((p) => p.status === 'idle').length };
  };
  return {
    id: station.id,
    name: station.name,
    address: station.address,
    location: { lat: station.lat, lng: station.lng },
    openingHours: station.openingHours,
    ...(distanceM !== undefined ? { distanceM } : {}),
    price: { ...price, validUntil: new Date(price.validUntil).toISOString() },
    tariff: { name: tariff.name, bands: tariff.bands, idleFeeFenPerMinute: tariff.idleFeeFenPerMinute, idleGraceMinutes: tariff.idleGraceMinutes },
    summary: { ...count(), fast: count('fast'), slow: count('slow') },
    piles: pileViews,
  };
}
