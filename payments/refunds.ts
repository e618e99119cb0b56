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

/** A refund as the desk handles it, whichever book it is written in. */
export interface OpenRefund {
  outRefundNo: string;
  amountFen: number;
  status: RefundStatus;
  /** Asks the provider to pay it (a repeat is the same refund to the provider). */
  submit(): Promise<RefundAnswer>;
  query(): Promise<RefundAnswer>;
  /** Records where it ended, once; answers the status as recorded. */
  settle(outcome: { status: Exclude<RefundStatus, 'processing'>; providerRefundId?: string; atMs: number }): Promise<RefundStatus>;
}

/** Another book of refunds the desk serves besides the wallet's withdrawals (a Payscore order's refund). */
export interface RefundBook {
  open(outRefundNo: string): Promise<OpenRefund | undefined>;
}

/**
 * Refunds from our side: each refund goes to the provider its payment was made through, and its final answer is
 * recorded once (a closed withdrawal refund credits the wallet back). Submitting again is safe; the provider dedupes.
 */
export class RefundDesk implements PayerRefunds {
  constructor(private readonly deps: { wallet: WalletPayments; gateways: Partial<Record<string, RefundGateway>>; books?: RefundBook[]; clock?: () => number }) {}

  async submit(outRefundNo: string): Promise<RefundStatus> {
    const refund = await this.find(outRefundNo);
    if (refund.status !== 'processing') return refund.status;
    return this.record(refund, await refund.submit());
  }

  async check(outRefundNo: string): Promise<RefundStatus> {
    const refund = await this.find(outRefundNo);
    if (refund.status !== 'processing') return refund.status;
    return this.record(refund, await refund.query());
  }

  /** A provider's notification of a refund's end (already authenticated by the caller), for the amount it refunded. */
  async notified(outRefundNo: string, answer: RefundAnswer, refundedFen: number): Promise<RefundStatus> {
    const refund = await this.find(outRefundNo);
    if (refundedFen !== refund.amountFen) throw new DomainError('VALIDATION_FAILED', `refund ${outRefundNo} is of ${refund.amountFen} fen; the notification says ${refundedFen}`);
    return this.record(refund, answer);
  }

  private async record(refund: OpenRefund, answer: RefundAnswer): Promise<RefundStatus> {
    if (answer.status === 'processing') return 'processing';
    return refund.settle({ status: answer.status, providerRefundId: answer.providerRefundId, atMs: answer.endedAtMs ?? (this.deps.clock ?? Date.now)() });
  }

  private async find(outRefundNo: string): Promise<OpenRefund> {
    const found = await this.deps.wallet.refund(outRefundNo);
    if (found) return this.withdrawalRefund(found.refund, found.topUp);
    for (const book of this.deps.books ?? []) {
      const refund = await book.open(outRefundNo);
      if (refund) return refund;
    }
    throw new DomainError('NOT_FOUND', `no refund ${outRefundNo}`);
  }

  /** A refund of a withdrawal, against the top-up it pays back. */
  private withdrawalRefund(refund: Refund, topUp: TopUp): OpenRefund {
    const gateway = () => {
      const found = this.deps.gateways[refund.provider];
      if (!found) throw new Error(`refunds through ${refund.provider} are not configured here (refund ${refund.outRefundNo} waits until they are)`);
      return found;
    };
    return {
      outRefundNo: refund.outRefundNo,
      amountFen: refund.amountFen,
      status: refund.status,
      submit: () => gateway().submit(refund, topUp),
      query: () => gateway().query(refund),
      settle: async (outcome) => (await this.deps.wallet.settleRefund(refund.outRefundNo, outcome)).status,
    };
  }
}
