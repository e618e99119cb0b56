import type { AuthorizeRequest, CaptureRequest, PaymentProvider } from '../activities/ports';
import type { Database } from '../db/database';
import type { Orders } from '../db/orders';
import type { PayscoreOrders } from '../db/payscore-orders';
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

/**
 * The one payment port the session workflow sees: each call goes to the way the session pays, as recorded when it
 * opened (the wallet's hold, or its WeChat Pay Score order).
 */
export class SessionPaymentsByMode implements PaymentProvider {
  constructor(private readonly deps: { modes: Pick<PayscoreOrders, 'modeOf'>; wallet: PaymentProvider; payscore?: PaymentProvider }) {}

  async authorize(request: AuthorizeRequest): Promise<PreauthDecision> {
    return (await this.providerOf(request.sessionId)).authorize(request);
  }

  async capture(request: CaptureRequest): Promise<void> {
    return (await this.providerOf(request.sessionId)).capture(request);
  }

  async release(sessionId: string): Promise<void> {
    return (await this.providerOf(sessionId)).release(sessionId);
  }

  private async providerOf(sessionId: string): Promise<PaymentProvider> {
    if ((await this.deps.modes.modeOf(sessionId)) === 'wallet') return this.deps.wallet;
    // Retried until a worker with the WECHAT_PAYSCORE_ settings takes it: the session's order is never left alone.
    if (!this.deps.payscore) throw new Error(`session ${sessionId} pays with WeChat Pay Score, which is not configured on this worker`);
    return this.deps.payscore;
  }
}
