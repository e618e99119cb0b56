/** The refund workflow's contract: its type, id and how often it asks. */
export const REFUND_WORKFLOW = 'refundToPayer';

export const refundWorkflowId = (outRefundNo: string) => `refund-${outRefundNo}`;

/** Queries of a refund still processing: after 1 and 5 minutes, then every 30 (WeChat Pay takes minutes to days). */
export function refundQueryDelayMs(attempt: number): number {
  return [60_000, 4 * 60_000][attempt] ?? 30 * 60_000;
}
