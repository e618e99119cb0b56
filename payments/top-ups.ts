import type { TopUp } from '../db/models';
import type { WalletPayments } from '../db/wallet';

/** What the mini-program hands to wx.requestPayment (WeChat Pay JSAPI). */
export interface JsapiPayment {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface TopUpView {
  id: string;
  amountFen: number;
  status: 'pending' | 'succeeded' | 'failed';
  provider: string;
  createdAt: Date;
}

/**
 * The answer to a top-up request: a top-up that has succeeded already (sandbox), or a pending one with the
 * `payment` the driver completes in WeChat's sheet; the wallet is credited when the provider confirms.
 */
export interface TopUpStarted {
  topUp: TopUpView;
  payment?: JsapiPayment;
}

export interface TopUpRequest {
  userId: string;
  amountFen: number;
  /** Scoped to the user by the caller; the same key answers with the same top-up. */
  idempotencyKey: string;
}

export interface TopUpProvider {
  start(request: TopUpRequest): Promise<TopUpStarted>;
}

export const topUpView = (t: TopUp): TopUpView => ({ id: t.id, amountFen: t.amountFen, status: t.status, provider: t.provider, createdAt: t.createdAt });

/** The embedded default: every top-up is confirmed at once, no payment step. */
export class SandboxTopUps implements TopUpProvider {
  constructor(private readonly wallet: WalletPayments) {}

  async start(request: TopUpRequest): Promise<TopUpStarted> {
    return { topUp: topUpView(await this.wallet.creditTopUp({ ...request, provider: 'sandbox', providerRef: null })) };
  }
}
