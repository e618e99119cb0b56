import type { TopUp } from '../db/models';
import { ConfigError, type PaymentsEnv } from '../infra/config';
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

/**
 * Free money for demos and tests: every top-up is confirmed at once, no payment step. Only with PAYMENTS_PROVIDER=sandbox
 * (`npm start` sets it for the demo), never when NODE_ENV=production.
 */
export class SandboxTopUps implements TopUpProvider {
  constructor(private readonly wallet: WalletPayments) {}

  async start(request: TopUpRequest): Promise<TopUpStarted> {
    return { topUp: topUpView(await this.wallet.creditTopUp({ ...request, provider: 'sandbox', providerRef: null })) };
  }
}

/**
 * Where top-ups go: PAYMENTS_PROVIDER when set; else WeChat Pay when configured; else nowhere (top-ups are refused).
 * Free money is never what an unset setting means: the sandbox only by PAYMENTS_PROVIDER=sandbox, refused at start in
 * production.
 */
export function chooseTopUpProvider(options: { env: PaymentsEnv; wallet: WalletPayments; wechatPay?: TopUpProvider }): TopUpProvider | undefined {
  const { env, wallet, wechatPay } = options;
  const production = env.NODE_ENV === 'production';
  const provider = env.PAYMENTS_PROVIDER ?? (wechatPay ? 'wechat-pay' : undefined);
  if (provider === 'sandbox') {
    if (production) throw new ConfigError(['PAYMENTS_PROVIDER: sandbox credits wallets for free and is refused when NODE_ENV=production']);
    return new SandboxTopUps(wallet);
  }
  if (provider === 'wechat-pay' && !wechatPay) throw new ConfigError(['PAYMENTS_PROVIDER: wechat-pay needs the WECHAT_PAY_ settings']);
  return wechatPay;
}
