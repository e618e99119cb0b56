import type { PendingPayscoreOrders } from './ports';

/** Activities of the Payscore order watch: one question to WeChat Pay, idempotent. */
export function createPayscoreActivities({ payscore }: { payscore: PendingPayscoreOrders }) {
  return {
    settlePendingPayscoreOrder(request: { outOrderNo: string; cancelIfUnconfirmed: boolean }): Promise<string> {
      return payscore.settlePending(request.outOrderNo, { cancelIfUnconfirmed: request.cancelIfUnconfirmed });
    },
  };
}

export type PayscoreActivities = ReturnType<typeof createPayscoreActivities>;
