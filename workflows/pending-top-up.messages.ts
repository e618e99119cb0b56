/** The pending top-up watch's contract: its workflow type, id and input. */
export const PENDING_TOP_UP_WORKFLOW = 'watchPendingTopUp';

export const pendingTopUpWorkflowId = (outTradeNo: string) => `top-up-${outTradeNo}`;

export interface PendingTopUpInput {
  outTradeNo: string;
  /** When WeChat Pay stops accepting payment for the order (its `time_expire`), epoch ms. */
  expiresAtMs: number;
}

/** After the expiry, a payment begun just before it may still complete: the order is closed this much later. */
export const CLOSE_GRACE_MS = 60_000;

/** Queries of an order with no notification: after 1 and 5 minutes, then every 10 until it is closed. */
export function queryDelayMs(attempt: number): number {
  return [60_000, 4 * 60_000][attempt] ?? 10 * 60_000;
}
