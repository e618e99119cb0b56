import { ConfigError, fragments, loadConfig } from '../infra/config';
import { chooseTopUpProvider, SandboxTopUps, type TopUpProvider } from './top-ups';
import type { WalletPayments } from '../db/wallet';

const wallet = {} as WalletPayments;
const wechatPay: TopUpProvider = { start: async () => ({}) as never };
const env = (vars: Record<string, string>) => loadConfig(fragments.payments, vars);

describe('which provider takes top-ups', () => {
  it.each([
    ['embedded mode outside production', {}, true, undefined, 'sandbox'],
    ['a standalone API without WeChat Pay', {}, false, undefined, 'none'],
    ['embedded mode in production', { NODE_ENV: 'production' }, true, undefined, 'none'],
    ['an explicit PAYMENTS_PROVIDER=sandbox outside embedded mode', { PAYMENTS_PROVIDER: 'sandbox' }, false, undefined, 'sandbox'],
    ['a configured WeChat Pay', {}, true, wechatPay, 'wechat-pay'],
    ['PAYMENTS_PROVIDER=sandbox even when WeChat Pay is configured', { PAYMENTS_PROVIDER: 'sandbox' }, false, wechatPay, 'sandbox'],
  ])('%s', (_, vars: Record<string, string>, embedded, configured, expected) => {
    const provider = chooseTopUpProvider({ env: env(vars), embedded, wallet, wechatPay: configured });
    const name = provider === undefined ? 'none' : provider instanceof SandboxTopUps ? 'sandbox' : 'wechat-pay';
    expect(name).toBe(expected);
  });

  it('refuses to start with the sandbox when NODE_ENV=production', () => {
    expect(() => chooseTopUpProvider({ env: env({ PAYMENTS_PROVIDER: 'sandbox', NODE_ENV: 'production' }), embedded: true, wallet })).toThrow(ConfigError);
  });

  it('refuses to start with PAYMENTS_PROVIDER=wechat-pay but no WeChat Pay settings', () => {
    expect(() => chooseTopUpProvider({ env: env({ PAYMENTS_PROVIDER: 'wechat-pay' }), embedded: false, wallet })).toThrow(ConfigError);
  });
});
