import type { AuthorizeRequest, CaptureRequest, PaymentProvider } from '../activities/ports';
import type { Database } from '../db/database';
import type { Orders } from '../db/orders';
import type { PreauthDecision } from '../domain/preauthorization';
import type { WalletPayments } from '../db/wallet';

/**
 * Charging sessions paid from the prepaid wallet. Settlement captures the hold and writes the order in one
 * transaction: a driver is never charged without an order, and no order exists for money not taken.
 */
export class WalletSessionPayments implements PaymentProvider {
  constructor(private readonly deps: { db: Database; wallet: WalletPayments; orders: Orders }) {}

  authorize(request: AuthorizeRequest): Promise<PreauthDecision> {
    return this.deps.wallet.authorize(request);
  }

  async capture(request: CaptureRequest): Promise<void> {
    await this.deps.db.transaction(async (transaction) => {
      if ((await this.deps.wallet.captureHold(request, transaction)) === 'captured') await this.deps.orders.record(request, transaction);
    });
  }

  release(sessionId: string): Promise<void> {
    return this.deps.wallet.release(sessionId);
  }
}
