/**
 * The physics of a simulated charge, as pure functions: how much power a car draws at a state of charge,
 * how much energy an interval adds, and the electrical readings a pile reports with it.
 */

/** Constant power up to this state of charge, then a linear taper. */
export const TAPER_START_SOC_PERCENT = 80;
/** Share of the pile's maximum power still drawn at 100 % SOC, where the taper ends. */
export const TAPER_END_POWER_SHARE = 0.1;
/** Above this a pile is a DC fast charger; at or below it an AC charger on mains voltage. */
export const AC_MAX_POWER_W = 22_000;
/** The most a simulated pile may draw: 1000 A (the protocol's limit) at the lowest DC pack voltage. */
export const MAX_PILE_POWER_W = 350_000;
const LOWEST_PACK_VOLTAGE_V = 350;

const WATT_MS_PER_WH = 3_600_000;

export function chargingPowerW(socPercent: number, maxPowerW: number): number {
  if (socPercent <= TAPER_START_SOC_PERCENT) return maxPowerW;
  const taper = (Math.min(socPercent, 100) - TAPER_START_SOC_PERCENT) / (100 - TAPER_START_SOC_PERCENT);
  return Math.round(maxPowerW * (1 - taper * (1 - TAPER_END_POWER_SHARE)));
}

export function storedWhAt(socPercent: number, capacityWh: number): number {
  return Math.round((capacityWh * socPercent) / 100);
}

/** Whole percent, rounded down so that 100 means really full. */
export function socPercentOf(storedWh: number, capacityWh: number): number {
  return Math.min(100, Math.floor((storedWh * 100) / capacityWh));
}

export interface ChargeInterval {
  storedWh: number;
  capacityWh: number;
  maxPowerW: number;
  elapsedMs: number;
  /** Energy below one Wh left over from earlier intervals, in watt-milliseconds. */
  carryWattMs: number;
}

export interface ChargeStep {
  powerW: number;
  deliveredWh: number;
  storedWh: number;
  carryWattMs: number;
}

/**
 * Charges for one interval at the power of its starting SOC. The sub-Wh remainder is carried rather than
 * rounded away, so a 7 kW pile sampled every 50 ms (about 0.1 Wh each) still adds up to 7 kWh an hour.
 */
export function chargeStep(interval: ChargeInterval): ChargeStep {
  const { storedWh, capacityWh, maxPowerW, elapsedMs, carryWattMs } = interval;
  const powerW = chargingPowerW((storedWh * 100) / capacityWh, maxPowerW);
  const wattMs = powerW * elapsedMs + carryWattMs;
  const room = capacityWh - storedWh;
  const deliveredWh = Math.min(Math.floor(wattMs / WATT_MS_PER_WH), room);
  return {
    powerW,
    deliveredWh,
    storedWh: storedWh + deliveredWh,
    carryWattMs: deliveredWh === room ? 0 : wattMs - deliveredWh * WATT_MS_PER_WH,
  };
}

export interface ElectricalReadings {
  voltageV: number;
  currentA: number;
  temperatureC: number;
}

/** DC piles see the pack voltage, rising with SOC; AC piles see mains voltage. The pile warms with load. */
export function electricalReadings(powerW: number, maxPowerW: number, socPercent: number): ElectricalReadings {
  const voltageV = maxPowerW > AC_MAX_POWER_W ? LOWEST_PACK_VOLTAGE_V + socPercent : 230;
  return {
    voltageV,
    currentA: oneDecimal(powerW / voltageV),
    temperatureC: oneDecimal(25 + (20 * powerW) / maxPowerW),
  };
}

function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}
