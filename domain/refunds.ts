import { DomainError } from './errors';
import type { Fen } from './money';

/** WeChat Pay refunds a payment only within a year of it. */
export const REFUND_WINDOW_MS = 365 * 24 * 60 * 60_000;

/** A top-up a withdrawal may be refunded against: what was paid, what is refunded already, when it was paid. */
export interface RefundableTopUp {
  topUpId: string;
  amountFen: Fen;
  refundedFen: Fen;
  paidAtMs: number;
}

export interface RefundShare {
  topUpId: string;
  amountFen: Fen;
  /** The top-up's whole amount: WeChat Pay's refund request names it beside the refund. */
  topUpAmountFen: Fen;
}

/**
 * How a withdrawal of `amountFen` is refunded: against the top-ups it came from, oldest first, each only up to
 * what is left of it and only within the refund window. Refused when those cannot cover the amount.
 */
export function allocateWithdrawal(amountFen: Fen, topUps: RefundableTopUp[], nowMs: number): RefundShare[] {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new DomainError('VALIDATION_FAILED', 'amountFen must be a positive whole number of fen', { field: 'amountFen' });
  const eligible = topUps.filter((t) => nowMs - t.paidAtMs <= REFUND_WINDOW_MS && t.amountFen > t.refundedFen).sort((a, b) => a.paidAtMs - b.paidAtMs || a.topUpId.localeCompare(b.topUpId));
  const shares: RefundShare[] = [];
  let left = amountFen;
  for (const topUp of eligible) {
    if (left === 0) break;
    const share = Math.min(left, topUp.amountFen - topUp.refundedFen);
    shares.push({ topUpId: topUp.topUpId, amountFen: share, topUpAmountFen: topUp.amountFen });
    left -= share;
  }
  if (left > 0) {
    const refundable = amountFen - left;
    throw new DomainError('VALIDATION_FAILED', `only ${refundable} fen can be withdrawn: the rest was not paid in within the last year, or was a gift`, { field: 'amountFen', refundableFen: refundable });
  }
  return shares;
}
