import type { PendingTopUps } from './ports';

/** Activities of the pending top-up watch: one question to the payment provider, idempotent. */
export function createTopUpActivities({ topUps }: { topUps: PendingTopUps }) {
  return {
    settlePendingTopUp(request: { outTradeNo: string; closeIfUnpaid: boolean }): Promise<string> {
      return topUps.settlePending(request.outTradeNo, { closeIfUnpaid: request.closeIfUnpaid });
    },
  };
}

export type TopUpActivities = ReturnType<typeof createTopUpActivities>;
