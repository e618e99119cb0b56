import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, fragments, loadConfig } from '../../infra/config';
import { type FakeWeChatPay, startFakeWeChatPay } from '../../test/support/fake-wechat-pay';
import { wechatPayConfigFrom } from './config';

/** WeChat Pay Score is offered only when configured beside the merchant's WeChat Pay settings; never by omission. */
describe('the WeChat Pay Score setting', () => {
  let pay: FakeWeChatPay;
  let dir: string;
  let merchant: Record<string, string>;

  beforeAll(async () => {
    pay = await startFakeWeChatPay();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-pay-config-'));
    const file = (name: string, pem: string) => {
      fs.writeFileSync(path.join(dir, name), pem);
      return path.join(dir, name);
    };
    merchant = {
      WECHAT_APP_ID: pay.config.appId,
      WECHAT_PAY_MCH_ID: pay.config.mchId,
      WECHAT_PAY_MCH_SERIAL_NO: pay.config.serialNo,
      WECHAT_PAY_MCH_PRIVATE_KEY_FILE: file('merchant.pem', pay.config.privateKeyPem),
      WECHAT_PAY_PUBLIC_KEY_FILE: file('wechatpay.pem', pay.config.platformPublicKeyPem),
      WECHAT_PAY_PUBLIC_KEY_ID: pay.config.platformPublicKeyId,
      WECHAT_PAY_API_V3_KEY: pay.config.apiV3Key,
      WECHAT_PAY_NOTIFY_URL: pay.config.notifyUrl,
    };
  });

  afterAll(async () => {
    await pay?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const configFrom = (vars: Record<string, string>) => wechatPayConfigFrom(loadConfig(fragments.wechat, vars));

  it('offers no Payscore when its service id is not set', () => {
    expect(configFrom(merchant)!.payscoreServiceId).toBeUndefined();
  });

  it('carries the service id beside the merchant settings', () => {
    expect(configFrom({ ...merchant, WECHAT_PAYSCORE_SERVICE_ID: pay.config.payscoreServiceId })!.payscoreServiceId).toBe(pay.config.payscoreServiceId);
  });

  it('refuses to start with a service id but no merchant settings', () => {
    expect(() => configFrom({ WECHAT_PAYSCORE_SERVICE_ID: pay.config.payscoreServiceId })).toThrow(ConfigError);
  });

  it('refuses a service id that is not 32 digits, naming the variable', () => {
    expect(() => configFrom({ ...merchant, WECHAT_PAYSCORE_SERVICE_ID: 'not-a-service-id' })).toThrow(/WECHAT_PAYSCORE_SERVICE_ID/);
  });
});
