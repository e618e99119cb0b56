import { type Fen, type Wh, priceEnergy } from './money';
import { type Tariff, bandKey, splitByBand } from './tariff';

/** A cumulative meter reading at an instant, as reported by the pile. */
export interface MeterCheckpoint {
  at: number;
  meterWh: Wh;
}

/** Energy delivered so far, per tariff band (keyed by `bandKey`). Small enough to live in workflow state. */
export type EnergyByBand = Record<string, Wh>;

/**
 * Adds the energy metered between two checkpoints to `ledger`, attributing it to tariff bands in
 * proportion to the time spent in each (the meter is only known at checkpoints). The parts are whole
 * watt-hours and always sum to the metered delta (largest remainder).
 */
export function addMeteredSegment(tariff: Tariff, ledger: EnergyByBand, from: MeterCheckpoint, to: MeterCheckpoint): EnergyByBand {
  const deltaWh = to.meterWh - from.meterWh;
  if (!Number.isSafeInteger(deltaWh) || deltaWh < 0) throw new RangeError(`meter went backwards: ${from.meterWh} → ${to.meterWh}`);
  if (to.at < from.at) throw new RangeError(`checkpoint at ${to.at} precedes ${from.at}`);
  const next = { ...ledger };
  if (deltaWh === 0) return next;
  const pieces = splitByBand(tariff, from.at, to.at);
  const span = to.at - from.at;
  const shares = pieces.map((p) => (span === 0 ? deltaWh : (deltaWh * (p.toMs - p.fromMs)) / span));
  const whole = shares.map(Math.floor);
  let remainder = deltaWh - whole.reduce((a, b) => a + b, 0);
  const byFraction = shares.map((s, i) => ({ i, frac: s - whole[i] })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of byFraction) {
    if (remainder === 0) break;
    whole[i] += 1;
    remainder -= 1;
  }
  pieces.forEach((p, i) => {
    if (whole[i] === 0) return;
    const key = bandKey(p.band);
    next[key] = (next[key] ?? 0) + whole[i];
  });
  return next;
}

export interface BillLine {
  band: string;
  energyWh: Wh;
  electricityFenPerKwh: Fen;
  serviceFenPerKwh: Fen;
  electricityFen: Fen;
  serviceFen: Fen;
}

export interface EnergyCharge {
  lines: BillLine[];
  energyWh: Wh;
  electricityFen: Fen;
  serviceFen: Fen;
  energyFen: Fen;
}

/** Prices each band line (rounded half up per line) and sums them. */
export function priceEnergyByBand(tariff: Tariff, ledger: EnergyByBand): EnergyCharge {
  const lines: BillLine[] = [];
  const billed = new Set<string>();
  for (const band of tariff.bands) {
    const key = bandKey(band);
    const energyWh = ledger[key] ?? 0;
    if (billed.has(key) || energyWh === 0) continue;
    billed.add(key);
    lines.push({
      band: band.name,
      energyWh,
      electricityFenPerKwh: band.electricityFenPerKwh,
      serviceFenPerKwh: band.serviceFenPerKwh,
      electricityFen: priceEnergy(energyWh, band.electricityFenPerKwh),
      serviceFen: priceEnergy(energyWh, band.serviceFenPerKwh),
    });
  }
  const unknown = Object.keys(ledger).filter((key) => ledger[key] > 0 && !tariff.bands.some((b) => bandKey(b) === key));
  if (unknown.length) throw new Error(`energy recorded for bands not in tariff ${tariff.id}: ${unknown.join(', ')}`);
  const energyWh = lines.reduce((s, l) => s + l.energyWh, 0);
  const electricityFen = lines.reduce((s, l) => s + l.electricityFen, 0);
  const serviceFen = lines.reduce((s, l) => s + l.serviceFen, 0);
  return { lines, energyWh, electricityFen, serviceFen, energyFen: electricityFen + serviceFen };
}

export interface IdleCharge {
  minutes: number;
  feeFen: Fen;
}

/** Occupancy fee: whole minutes the connector stayed plugged in after charging ended, beyond the grace period. */
export function idleCharge(tariff: Tariff, chargingEndedAt: number, connectorFreedAt: number | undefined): IdleCharge {
  if (connectorFreedAt === undefined || tariff.idleFeeFenPerMinute === 0) return { minutes: 0, feeFen: 0 };
  const occupiedMinutes = Math.floor(Math.max(0, connectorFreedAt - chargingEndedAt) / 60_000);
  const minutes = Math.max(0, occupiedMinutes - tariff.idleGraceMinutes);
  return { minutes, feeFen: minutes * tariff.idleFeeFenPerMinute };
}

export interface Bill extends EnergyCharge {
  idleMinutes: number;
  idleFeeFen: Fen;
  totalFen: Fen;
  /** What was pre-authorized. */
  heldFen: Fen;
  /** What is taken from the hold: the total, capped at the hold. */
  capturedFen: Fen;
  /** What goes back to the driver: the rest of the hold. */
  releasedFen: Fen;
  /** Billed but above the hold; flagged for review rather than taken. */
  uncollectedFen: Fen;
}

export function settleBill(energy: EnergyCharge, idle: IdleCharge, heldFen: Fen): Bill {
  const totalFen = energy.energyFen + idle.feeFen;
  const capturedFen = Math.min(totalFen, heldFen);
  return {
    ...energy,
    idleMinutes: idle.minutes,
    idleFeeFen: idle.feeFen,
    totalFen,
    heldFen,
    capturedFen,
    releasedFen: heldFen - capturedFen,
    uncollectedFen: totalFen - capturedFen,
  };
}
