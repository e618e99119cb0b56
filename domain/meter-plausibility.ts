import type { MeterCheckpoint } from './billing';
import type { Wh } from './money';

/**
 * When a pile's meter reading may be billed. A reading is compared with the last one the platform accepted: it may
 * not be stamped ahead of the platform clock beyond a small skew, the register may not run backwards or jump to
 * another order of magnitude, and energy may not rise faster than the pile's rated power allows (plus a margin).
 */
export const METER_PLAUSIBILITY = {
  /** How far a pile's clock may run ahead of the platform's. */
  maxClockSkewMs: 30_000,
  /** Headroom over the rated power, for meter and clock inaccuracy. */
  powerMargin: 0.1,
  /** Whole watt-hours of rounding a register may show on top. */
  roundingWh: 2,
  /** A register below this is not judged by its order of magnitude (a new meter counts up from zero). */
  magnitudeFloorWh: 10_000,
  /** Used when the pile's rated power is not known (sessions started before it was recorded). */
  fallbackRatedPowerW: 1_000_000,
} as const;

export type ImplausibleMeter = 'ahead_of_clock' | 'register_backwards' | 'register_jump' | 'faster_than_rated_power';

/** True when a pile's timestamp is further ahead of the platform clock than a pile's clock may drift. */
export function isAheadOfPlatformClock(at: number, now: number): boolean {
  return at > now + METER_PLAUSIBILITY.maxClockSkewMs;
}

/** The most energy a pile of `ratedPowerW` can plausibly deliver in `elapsedMs`. */
export function plausibleEnergyWh(ratedPowerW: number, elapsedMs: number): Wh {
  const { powerMargin, roundingWh } = METER_PLAUSIBILITY;
  return Math.floor((ratedPowerW * (1 + powerMargin) * Math.max(0, elapsedMs)) / 3_600_000) + roundingWh;
}

/**
 * Why `reading` cannot be billed after `accepted` on a pile of `ratedPowerW`, as the platform clock reads `now`;
 * undefined when it is plausible.
 */
export function implausibleMeter(accepted: MeterCheckpoint, reading: MeterCheckpoint, pile: { ratedPowerW?: number; now: number }): ImplausibleMeter | undefined {
  if (isAheadOfPlatformClock(reading.at, pile.now)) return 'ahead_of_clock';
  if (reading.meterWh < accepted.meterWh) return 'register_backwards';
  if (reading.meterWh >= 10 * Math.max(accepted.meterWh, METER_PLAUSIBILITY.magnitudeFloorWh)) return 'register_jump';
  const deltaWh = reading.meterWh - accepted.meterWh;
  if (deltaWh > plausibleEnergyWh(pile.ratedPowerW ?? METER_PLAUSIBILITY.fallbackRatedPowerW, reading.at - accepted.at)) return 'faster_than_rated_power';
  return undefined;
}
