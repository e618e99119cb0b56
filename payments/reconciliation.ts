import type { PaymentReconciliation } from '../activities/ports';
import type { ReconciliationBooks } from '../db/reconciliation';
import type { MoneyMovement } from '../domain/reconciliation';
import { dayBounds, reconcile } from '../domain/reconciliation';

/** China time: the day a WeChat Pay bill covers. */
const CHINA_UTC_OFFSET_MINUTES = 480;

/** A provider's daily statement of money movements. */
export interface ProviderStatements {
  movementsOf(billDate: string): Promise<MoneyMovement[]>;
}

/** Reconciles one provider's day: its bill against our books, line by line; the run and its mismatches are recorded. */
export class DailyReconciliation implements PaymentReconciliation {
  constructor(private readonly deps: { provider: string; statements: ProviderStatements; books: ReconciliationBooks; clock?: () => number }) {}

  async reconcileDay(billDate: string): Promise<{ billDate: string; providerLines: number; booksLines: number; mismatches: number }> {
    const { fromMs, toMs } = dayBounds(billDate, CHINA_UTC_OFFSET_MINUTES);
    const [theirs, ours] = await Promise.all([this.deps.statements.movementsOf(billDate), this.deps.books.wechatPayMovements(fromMs, toMs)]);
    const mismatches = reconcile(theirs, ours);
    await this.deps.books.recordRun({ billDate, provider: this.deps.provider, providerLines: theirs.length, booksLines: ours.length, mismatches, atMs: (this.deps.clock ?? Date.now)() });
    return { billDate, providerLines: theirs.length, booksLines: ours.length, mismatches: mismatches.length };
  }
}
