import type { PayerRefunds } from '../activities/ports';
import type { Refund, RefundStatus, TopUp } from '../db/models';
import type { WalletPayments } from '../db/wallet';
import { DomainError } from '../domain/errors';

/** What a payment provider says of a refund. */
export interface RefundAnswer {
  status: RefundStatus;
  providerRefundId?: string;
  /** When the provider says the refund ended (the day its bill files it under); unset: now. */
  endedAtMs?: number;
}

/** One provider's refunds: asked once per out_refund_no (a repeat is answered with the same refund), then queried. */
export interface RefundGateway {
  submit(refund: Refund, topUp: TopUp): Promise<RefundAnswer>;
  query(refund: Refund): Promise<RefundAnswer>;
}

/** Where refunds of a watch are started (a workflow per refund). */
export interface RefundWatch {
  /** True when it started the refund's workflow; false when one runs, or ran to its end, already. */
  watch(outRefundNo: string): Promise<boolean>;
}

/** The sandbox's play money goes back at once. */
export const sandboxRefunds: RefundGateway = {
  submit: async (refund) => ({ status: 'succeeded', providerRefundId: `sandbox-${refund.outRefundNo}` }),
  query: async (refund) => ({ status: 'succeeded', providerRefundId: `sandbox-${refund.outRefundNo}` }),
};

/**
 * Refunds from our side: each refund goes to the provider its top-up was paid through, and its final answer is
 * recorded once (a closed refund credits the wallet back). Submitting again is safe; the provider dedupes.
 */
export class RefundDesk implements PayerRefunds {
  constructor(private readonly deps: { wallet: WalletPayments; gateways: Partial<Record<string, RefundGateway>>; clock?: () => number }) {}

  async submit(outRefundNo: string): Promise<RefundStatus> {
    const { refund, topUp } = await this.find(outRefundNo);
    if (refund.status !== 'processing') return refund.status;
    return this.record(refund, await this.gateway(refund).submit(refund, topUp));
  }

  async check(outRefundNo: string): Promise<RefundStatus> {
    const { refund } = await this.find(outRefundNo);
    if (refund.status !== 'processing') return refund.status;
    return this.record(refund, await this.gateway(refund).query(refund));
  }

  /** A provider's notification of a refund's end (already authenticated by the caller), for the amount it refunded. */
  async notified(outRefundNo: string, answer: RefundAnswer, refundedFen: number): Promise<RefundStatus> {
    const { refund } = await this.find(outRefundNo);
    if (refundedFen !== refund.amountFen) throw new DomainError('VALIDATION_FAILED', `refund ${outRefundNo} is of ${refund.amountFen} fen; the notification says ${refundedFen}`);
    return this.record(refund, answer);
  }

  private async record(refund: Refund, answer: RefundAnswer): Promise<RefundStatus> {
    if (answer.status === 'processing') return 'processing';
    const settled = await this.deps.wallet.settleRefund(refund.outRefundNo, { status: answer.status, providerRefundId: answer.providerRefundId, atMs: answer.endedAtMs ?? (this.deps.clock ?? Date.now)() });
    return settled.status;
  }

  private async find(outRefundNo: string) {
    const found = await this.deps.wallet.refund(outRefundNo);
    if (!found) throw new DomainError('NOT_FOUND', `no refund ${outRefundNo}`);
    return found;
  }

  private gateway(refund: Refund): RefundGateway {
    const gateway = this.deps.gateways[refund.provider];
    if (!gateway) throw new Error(`refunds through ${refund.provider} are not configured here (refund ${refund.outRefundNo} waits until they are)`);
    return gateway;
  }
}
