import { z } from 'zod';
import { Fen } from './money';

/**
 * A station's time-of-use tariff. Bands are given in the station's local wall-clock time
 * ("HH:MM", end exclusive, "24:00" allowed as an end) and must cover the whole day without
 * gaps or overlaps. China has no daylight saving, so a fixed UTC offset is exact.
 */
const clock = z
  .string()
  .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM')
  .refine((s) => s <= '24:00', 'expected a time of day up to 24:00');

export const tariffBandSchema = z.object({
  name: z.string().min(1),
  from: clock,
  to: clock,
  electricityFenPerKwh: z.number().int().nonnegative(),
  serviceFenPerKwh: z.number().int().nonnegative(),
});

export const tariffSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    utcOffsetMinutes: z.number().int().min(-720).max(840),
    bands: z.array(tariffBandSchema).min(1),
    idleFeeFenPerMinute: z.number().int().nonnegative(),
    idleGraceMinutes: z.number().int().nonnegative(),
  })
  .superRefine((tariff, ctx) => {
    const problem = bandCoverageProblem(tariff.bands);
    if (problem) ctx.addIssue({ code: 'custom', path: ['bands'], message: problem });
  });

export type TariffBand = z.infer<typeof tariffBandSchema>;
export type Tariff = z.infer<typeof tariffSchema>;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
const DAY_MS = DAY_MINUTES * MINUTE_MS;

export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function bandCoverageProblem(bands: TariffBand[]): string | undefined {
  const sorted = [...bands].sort((a, b) => minuteOfDay(a.from) - minuteOfDay(b.from));
  let expected = 0;
  for (const band of sorted) {
    const from = minuteOfDay(band.from);
    const to = minuteOfDay(band.to);
    if (to <= from) return `band "${band.name}" must end after it starts (${band.from}-${band.to})`;
    if (from !== expected) return `bands must cover the day without gaps or overlaps; expected a band from ${formatClock(expected)}`;
    expected = to;
  }
  if (expected !== DAY_MINUTES) return `bands must cover the day up to 24:00; they stop at ${formatClock(expected)}`;
  return undefined;
}

function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Milliseconds since local midnight of `atMs` in the tariff's zone. */
function localMsOfDay(tariff: Tariff, atMs: number): number {
  const local = atMs + tariff.utcOffsetMinutes * MINUTE_MS;
  return ((local % DAY_MS) + DAY_MS) % DAY_MS;
}

export function bandAt(tariff: Tariff, atMs: number): TariffBand {
  const minute = Math.floor(localMsOfDay(tariff, atMs) / MINUTE_MS);
  const band = tariff.bands.find((b) => minute >= minuteOfDay(b.from) && minute < minuteOfDay(b.to));
  if (!band) throw new Error(`tariff ${tariff.id} has no band at minute ${minute}; was it validated?`);
  return band;
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
