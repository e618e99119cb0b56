/** The Payscore order watch's contract: its workflow type, id and input. */
export const PENDING_PAYSCORE_WORKFLOW = 'watchPendingPayscoreOrder';

export const pendingPayscoreWorkflowId = (outOrderNo: string) => `payscore-${outOrderNo}`;

export interface PendingPayscoreInput {
  outOrderNo: string;
  /** Until when the driver may still confirm the order, epoch ms; after it an unconfirmed order is cancelled. */
  expiresAtMs: number;
}

/**
 * Questions about an order with no notification: after 1 and 5 minutes, then every 10 for about a day (a session that
 * charges, a driver who pays late), then hourly, so an order WeChat Pay takes weeks to collect keeps a short history.
 */
export function payscoreQueryDelayMs(attempt: number): number {
  return [60_000, 4 * 60_000][attempt] ?? (attempt < 150 ? 10 * 60_000 : 60 * 60_000);
}
