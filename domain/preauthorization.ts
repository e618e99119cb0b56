import { type Fen } from './money';
import { type DriverLimits } from './stop-conditions';

export interface PreauthPolicy {
  /** Below this available balance a session is declined. */
  minHoldFen: Fen;
  /** Never hold more than this for one session. */
  maxHoldFen: Fen;
}

export type PreauthDecision = { approved: true; holdFen: Fen } | { approved: false; availableFen: Fen; requiredFen: Fen };

/** How much to hold from the wallet for a session: as much as the session could cost, within the policy. */
export function decidePreauthorization(availableFen: Fen, limits: DriverLimits, policy: PreauthPolicy): PreauthDecision {
  const requiredFen = Math.min(policy.minHoldFen, limits.maxAmountFen ?? policy.minHoldFen);
  if (availableFen < requiredFen || availableFen <= 0) return { approved: false, availableFen, requiredFen };
  const wanted = Math.min(policy.maxHoldFen, limits.maxAmountFen ?? policy.maxHoldFen);
  return { approved: true, holdFen: Math.min(wanted, availableFen) };
}
