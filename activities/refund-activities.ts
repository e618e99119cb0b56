import type { PayerRefunds } from './ports';

/** Activities of the refund workflow: each asks the provider once and records a final answer once. */
export function createRefundActivities({ refunds }: { refunds: PayerRefunds }) {
  return {
    submitRefund: (outRefundNo: string): Promise<string> => refunds.submit(outRefundNo),
    checkRefund: (outRefundNo: string): Promise<string> => refunds.check(outRefundNo),
  };
}

export type RefundActivities = ReturnType<typeof createRefundActivities>;
