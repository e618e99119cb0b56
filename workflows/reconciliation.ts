import { proxyActivities } from '@temporalio/workflow';
import type { ReconciliationActivities } from '../activities/reconciliation-activities';
import { previousDay } from '../domain/reconciliation';

const books = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 8 },
});

/** Reconciles a day's payments with the provider's bill; unnamed (the daily schedule), yesterday in China time. */
export async function reconcilePayments(billDate?: string) {
  return books.reconcilePaymentDay(billDate ?? previousDay(Date.now(), 480));
}
