import type { PaymentReconciliation } from './ports';

/** The reconciliation workflow's one activity: download, match, record (a rerun replaces the day's open findings). */
export function createReconciliationActivities({ reconciliation }: { reconciliation: PaymentReconciliation }) {
  return {
    reconcilePaymentDay: (billDate: string) => reconciliation.reconcileDay(billDate),
  };
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;
