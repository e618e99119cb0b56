import { z } from 'zod';
import { DAY_MINUTES, type Tariff, type TariffBand, minuteOfDay } from './tariff';

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

export const tariffSchema: z.ZodType<Tariff> = z
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

