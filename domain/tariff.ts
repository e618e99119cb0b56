import { type Fen } from './money';

/**
 * A station's time-of-use tariff. Bands are given in the station's local wall-clock time
 * ("HH:MM", end exclusive, "24:00" allowed as an end) and must cover the whole day without
 * gaps or overlaps (validated by tariff-schema.ts, kept apart so the workflow bundle carries no zod).
 * China has no daylight saving, so a fixed UTC offset is exact.
 */
export interface TariffBand {
  name: string;
  /** Local wall-clock "HH:MM", inclusive. */
  from: string;
  /** Local wall-clock "HH:MM", exclusive; "24:00" ends the day. */
  to: string;
  electricityFenPerKwh: Fen;
  serviceFenPerKwh: Fen;
}

export interface Tariff {
  id: string;
  /** Which version of the tariff this is (domain/tariff-versions.ts); absent in snapshots taken before versions existed. */
  version?: number;
  name: string;
  utcOffsetMinutes: number;
  bands: TariffBand[];
  idleFeeFenPerMinute: Fen;
  idleGraceMinutes: number;
}

const MINUTE_MS = 60_000;
export const DAY_MINUTES = 24 * 60;
const DAY_MS = DAY_MINUTES * MINUTE_MS;

export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Milliseconds since local midnight of `atMs` in the tariff's zone. */
function localMsOfDay(tariff: Tariff, atMs: number): number {
  const local = atMs + tariff.utcOffsetMinutes * MINUTE_MS;
  return ((local % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Band bounds in minutes, parsed once per tariff object (this runs for every telemetry sample). */
const boundsOf = new WeakMap<Tariff, { band: TariffBand; from: number; to: number }[]>();

function bandBounds(tariff: Tariff) {
  let bounds = boundsOf.get(tariff);
  if (!bounds) boundsOf.set(tariff, (bounds = tariff.bands.map((band) => ({ band, from: minuteOfDay(band.from), to: minuteOfDay(band.to) }))));
  return bounds;
}

export function bandAt(tariff: Tariff, atMs: number): TariffBand {
  const minute = Math.floor(localMsOfDay(tariff, atMs) / MINUTE_MS);
  const found = bandBounds(tariff).find((b) => minute >= b.from && minute < b.to);
  if (!found) throw new Error(`tariff ${tariff.id} has no band at minute ${minute}; was it validated?`);
  return found.band;
}

/** The instant the band in force at `atMs` ends. */
export function bandEndAfter(tariff: Tariff, atMs: number): number {
  const band = bandAt(tariff, atMs);
  const msIntoDay = localMsOfDay(tariff, atMs);
  return atMs - msIntoDay + minuteOfDay(band.to) * MINUTE_MS;
}

export interface BandInterval {
  band: TariffBand;
  fromMs: number;
  toMs: number;
}

/** Splits [fromMs, toMs) at every band boundary. An empty interval yields one zero-length piece. */
export function splitByBand(tariff: Tariff, fromMs: number, toMs: number): BandInterval[] {
  if (toMs < fromMs) throw new RangeError(`interval ends before it starts (${fromMs} > ${toMs})`);
  if (toMs === fromMs) return [{ band: bandAt(tariff, fromMs), fromMs, toMs }];
  const pieces: BandInterval[] = [];
  let cursor = fromMs;
  while (cursor < toMs) {
    const end = Math.min(bandEndAfter(tariff, cursor), toMs);
    pieces.push({ band: bandAt(tariff, cursor), fromMs: cursor, toMs: end });
    cursor = end;
  }
  return pieces;
}

/** A stable key for a band's price: bands with the same name and prices are billed as one line. */
export function bandKey(band: TariffBand): string {
  return `${band.name}|${band.electricityFenPerKwh}|${band.serviceFenPerKwh}`;
}

export interface PriceNow {
  band: string;
  electricityFenPerKwh: Fen;
  serviceFenPerKwh: Fen;
  totalFenPerKwh: Fen;
  validUntil: number;
}

export function priceAt(tariff: Tariff, atMs: number): PriceNow {
  const band = bandAt(tariff, atMs);
  return {
    band: band.name,
    electricityFenPerKwh: band.electricityFenPerKwh,
    serviceFenPerKwh: band.serviceFenPerKwh,
    totalFenPerKwh: band.electricityFenPerKwh + band.serviceFenPerKwh,
    validUntil: bandEndAfter(tariff, atMs),
  };
}

/**
 * The highest price (electricity + service per kWh) in force at any instant of [fromMs, toMs]: what the next
 * stretch of charging may cost per kWh, whichever band boundary it crosses. Give it the pile's clock, the clock
 * the bill is priced by.
 */
export function highestPriceBetween(tariff: Tariff, fromMs: number, toMs: number): Fen {
  return Math.max(...splitByBand(tariff, fromMs, toMs).map(({ band }) => band.electricityFenPerKwh + band.serviceFenPerKwh));
}
