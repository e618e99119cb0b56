import { type Fen } from './money';
import { type DriverLimits } from './stop-conditions';

export interface PreauthPolicy {
  /** Below this available balance a session is declined. */
  minHoldFen: Fen;
  /** Never hold more than this for one session. */
  maxHoldFen: Fen;
}

export type PreauthDecision =
  | { approved: true; holdFen: Fen }
  | { approved: false; availableFen: Fen; requiredFen: Fen }
  /** The payment provider refused (a WeChat Pay Score order it would not create), in its words. */
  | { approved: false; refusedBy: 'payscore'; reason: string };

/** How much to hold from the wallet for a session: as much as the session could cost, within the policy. */
export function decidePreauthorization(availableFen: Fen, limits: DriverLimits, policy: PreauthPolicy): PreauthDecision {
  const requiredFen = Math.min(policy.minHoldFen, limits.maxAmountFen ?? policy.minHoldFen);
  if (availableFen < requiredFen || availableFen <= 0) return { approved: false, availableFen, requiredFen };
  return { approved: true, holdFen: Math.min(wantedHoldFen(limits, policy), availableFen) };
}

/** As much as the session could cost, within the policy: the hold from a rich wallet, and a Payscore order's risk amount. */
export function wantedHoldFen(limits: DriverLimits, policy: PreauthPolicy): Fen {
  return Math.min(policy.maxHoldFen, limits.maxAmountFen ?? policy.maxHoldFen);
}

/** Why a session moved on to STARTING, as its record says. */
export function heldReason(holdFen: Fen): string {
  return `held ${holdFen} fen`;
}
