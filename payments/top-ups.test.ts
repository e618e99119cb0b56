import { ConfigError, fragments, loadConfig } from '../infra/config';
import { chooseTopUpProvider, SandboxTopUps, type TopUpProvider } from './top-ups';
import type { WalletPayments } from '../db/wallet';

const wallet = {} as WalletPayments;
const wechatPay: TopUpProvider = { start: async () => ({}) as never };
const env = (vars: Record<string, string>) => loadConfig(fragments.payments, vars);

describe('which provider takes top-ups', () => {
  it.each([
    ['nothing set and no WeChat Pay: no free money by omission', {}, undefined, 'none'],
    ['nothing set in production', { NODE_ENV: 'production' }, undefined, 'none'],
    ['an explicit PAYMENTS_PROVIDER=sandbox', { PAYMENTS_PROVIDER: 'sandbox' }, undefined, 'sandbox'],
    ['a configured WeChat Pay', {}, wechatPay, 'wechat-pay'],
    ['PAYMENTS_PROVIDER=sandbox even when WeChat Pay is configured', { PAYMENTS_PROVIDER: 'sandbox' }, wechatPay, 'sandbox'],
  ])('%s', (_, vars: Record<string, string>, configured, expected) => {
    const provider = chooseTopUpProvider({ env: env(vars), wallet, wechatPay: configured });
    const name = provider === undefined ? 'none' : provider instanceof SandboxTopUps ? 'sandbox' : 'wechat-pay';
    expect(name).toBe(expected);
  });

  it('refuses to start with the sandbox when NODE_ENV=production', () => {
    expect(() => chooseTopUpProvider({ env: env({ PAYMENTS_PROVIDER: 'sandbox', NODE_ENV: 'production' }), wallet })).toThrow(ConfigError);
  });

  it('refuses to start with PAYMENTS_PROVIDER=wechat-pay but no WeChat Pay settings', () => {
    expect(() => chooseTopUpProvider({ env: env({ PAYMENTS_PROVIDER: 'wechat-pay' }), wallet })).toThrow(ConfigError);
  });
});
