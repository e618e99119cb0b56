import { z } from 'zod';
import { DAY_MINUTES, type Tariff, type TariffBand, minuteOfDay } from './tariff';
import type { TariffDefinition } from './tariff-versions';

/** Validation of tariffs entering the system (seeding, admin input). */

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

const definitionFields = z.object({
  name: z.string().min(1),
  utcOffsetMinutes: z.number().int().min(-720).max(840),
  bands: z.array(tariffBandSchema).min(1),
  idleFeeFenPerMinute: z.number().int().nonnegative(),
  idleGraceMinutes: z.number().int().nonnegative(),
});

function coverBands(tariff: { bands: TariffBand[] }, ctx: z.RefinementCtx) {
  const problem = bandCoverageProblem(tariff.bands);
  if (problem) ctx.addIssue({ code: 'custom', path: ['bands'], message: problem });
}

export const tariffSchema: z.ZodType<Tariff> = definitionFields
  .extend({ id: z.string().min(1), version: z.number().int().positive().optional() })
  .superRefine(coverBands);

/**
 * A tariff's definition as staff write it (a version of the tariff, without its id): bounded so hostile input
 * cannot store megabytes (a day has at most 96 quarter-hour bands).
 */
export const tariffDefinitionSchema: z.ZodType<TariffDefinition> = definitionFields
  .extend({
    name: z.string().trim().min(1).max(100),
    bands: z.array(tariffBandSchema.extend({ name: z.string().trim().min(1).max(40), electricityFenPerKwh: z.number().int().nonnegative().max(100_000), serviceFenPerKwh: z.number().int().nonnegative().max(100_000) })).min(1).max(96),
    idleFeeFenPerMinute: z.number().int().nonnegative().max(100_000),
    idleGraceMinutes: z.number().int().nonnegative().max(24 * 60),
  })
  .strict()
  .superRefine(coverBands);

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

