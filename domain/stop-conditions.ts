import { type Fen, type Wh } from './money';
import { type EndReason } from './session-state';

/** Limits the driver chose when starting; all optional ("charge until full"). */
export interface DriverLimits {
  maxAmountFen?: Fen;
  targetEnergyWh?: Wh;
  targetSocPercent?: number;
}

export interface ChargingProgress {
  energyWh: Wh;
  costFen: Fen;
  powerW: number;
  socPercent?: number;
  elapsedMs: number;
}

export interface StopPolicy {
  heldFen: Fen;
  maxDurationMs: number;
  /** How long until the next checkpoint can arrive; used to stop before the hold is overrun. */
  checkpointIntervalMs: number;
  /** The highest price over the next interval on the pile's clock (the bill's clock), to estimate what it will cost. */
  fenPerKwhAhead: Fen;
}

/**
 * The reason charging must stop now, or undefined to keep going. The hold is protected by looking one
 * checkpoint ahead: stop when the next interval at the current power would reach the pre-authorized amount
 * (or the driver's amount limit, when that is lower).
 */
export function stopReasonFor(progress: ChargingProgress, limits: DriverLimits, policy: StopPolicy): EndReason | undefined {
  if (limits.targetSocPercent !== undefined && progress.socPercent !== undefined && progress.socPercent >= limits.targetSocPercent) {
    return 'TARGET_SOC_REACHED';
  }
  if (limits.targetEnergyWh !== undefined && progress.energyWh >= limits.targetEnergyWh) return 'TARGET_ENERGY_REACHED';
  const nextIntervalWh = Math.ceil((Math.max(0, progress.powerW) * policy.checkpointIntervalMs) / 3_600_000);
  const nextIntervalFen = Math.ceil((nextIntervalWh * policy.fenPerKwhAhead) / 1000);
  const driverCapsBelowHold = limits.maxAmountFen !== undefined && limits.maxAmountFen <= policy.heldFen;
  const amountCap = driverCapsBelowHold ? limits.maxAmountFen! : policy.heldFen;
  if (progress.costFen + nextIntervalFen >= amountCap) return driverCapsBelowHold ? 'TARGET_AMOUNT_REACHED' : 'PREAUTH_EXHAUSTED';
  if (progress.elapsedMs >= policy.maxDurationMs) return 'MAX_DURATION_REACHED';
  return undefined;
}
