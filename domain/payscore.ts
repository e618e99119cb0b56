import type { Bill } from './billing';
import type { Fen } from './money';

/** How a session pays: a hold on the prepaid wallet, or a WeChat Pay Score (支付分) order paid after charging. */
export const PAYMENT_MODES = ['wallet', 'payscore'] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

/**
 * Where a session's Payscore order stands, in our books:
 * - `creating`: asked WeChat Pay to create it, answer not yet recorded (a crash here is found by the order's watch);
 * - `created`: WeChat Pay holds it for the driver to confirm;
 * - `doing`: the service runs, the risk amount is the session's pre-authorization;
 * - `completed`: we sent the exact bill, WeChat Pay collects it;
 * - `paid`: WeChat Pay collected it (the driver paid);
 * - `cancelled`, `expired`, `declined`: nothing is owed.
 */
export const PAYSCORE_STATES = ['creating', 'created', 'doing', 'completed', 'paid', 'cancelled', 'expired', 'declined'] as const;
export type PayscoreState = (typeof PAYSCORE_STATES)[number];

const RANK: Record<PayscoreState, number> = { creating: 0, created: 1, doing: 2, completed: 3, paid: 4, cancelled: 4, expired: 4, declined: 4 };

export function isPayscoreSettled(state: PayscoreState): boolean {
  return RANK[state] === 4;
}

/** Whether the order still holds the driver's risk amount (the session must complete or cancel it). */
export function payscoreHoldsMoney(state: PayscoreState): boolean {
  return RANK[state] < 3;
}

/**
 * What WeChat Pay's state of an order (with its state_description) means in our books. `USER_PAID` after
 * completion, `USER_CONFIRM` once the driver confirmed; REVOKED is a cancellation.
 */
export function payscoreStateOf(reported: { state: string; stateDescription?: string }): PayscoreState | undefined {
  switch (reported.state) {
    case 'CREATED':
      return 'created';
    case 'DOING':
      return reported.stateDescription === 'MCH_COMPLETE' ? 'completed' : 'doing';
    case 'DONE':
      return 'paid';
    case 'REVOKED':
      return 'cancelled';
    case 'EXPIRED':
      return 'expired';
    default:
      return undefined;
  }
}

/**
 * The state after a report: orders only move forward, so a repeated or late report (a notification delivered twice,
 * or an older one after a newer) changes nothing, and a settled order stays as it settled.
 */
export function nextPayscoreState(current: PayscoreState, reported: PayscoreState): PayscoreState {
  return RANK[reported] > RANK[current] ? reported : current;
}

export interface PostPayment {
  name: string;
  amount: Fen;
  description: string;
}

/**
 * The bill as Payscore's post_payments: what is taken, by component (electricity, service, idle fee), summing to the
 * captured amount. A bill above the risk amount is taken up to it, components in that order, the rest left uncollected.
 */
export function postPaymentsOf(bill: Bill): PostPayment[] {
  let left = bill.capturedFen;
  const take = (fen: Fen) => {
    const taken = Math.min(fen, left);
    left -= taken;
    return taken;
  };
  const kwh = (bill.energyWh / 1000).toFixed(3);
  return [
    { name: '电费', amount: take(bill.electricityFen), description: `${kwh} kWh` },
    { name: '服务费', amount: take(bill.serviceFen), description: `${kwh} kWh` },
    { name: '占位费', amount: take(bill.idleFeeFen), description: `${bill.idleMinutes} 分钟` },
  ].filter((p) => p.amount > 0);
}
