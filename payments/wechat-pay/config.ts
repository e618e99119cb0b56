import fs from 'node:fs';
import { ConfigError, type WeChatEnv } from '../../infra/config';

export interface WeChatPayConfig {
  apiBase: string;
  appId: string;
  mchId: string;
  serialNo: string;
  privateKeyPem: string;
  platformPublicKeyId: string;
  platformPublicKeyPem: string;
  apiV3Key: string;
  notifyUrl: string;
  /** WeChat Pay Score's service id; unset: no Payscore orders. */
  payscoreServiceId?: string;
}

const PAY_SETTINGS = [
  'WECHAT_PAY_MCH_ID',
  'WECHAT_PAY_MCH_SERIAL_NO',
  'WECHAT_PAY_MCH_PRIVATE_KEY_FILE',
  'WECHAT_PAY_PUBLIC_KEY_FILE',
  'WECHAT_PAY_PUBLIC_KEY_ID',
  'WECHAT_PAY_API_V3_KEY',
  'WECHAT_PAY_NOTIFY_URL',
] as const;

/** WeChat Pay's settings, or undefined when none is set (top-ups stay with the sandbox); some but not all is an error. */
export function wechatPayConfigFrom(env: WeChatEnv): WeChatPayConfig | undefined {
  if (PAY_SETTINGS.every((name) => env[name] === undefined)) {
    if (env.WECHAT_PAYSCORE_SERVICE_ID !== undefined) throw new ConfigError(['WECHAT_PAYSCORE_SERVICE_ID: needs the WECHAT_PAY_ settings of the merchant it belongs to']);
    return undefined;
  }
  const missing = (['WECHAT_APP_ID', ...PAY_SETTINGS] as const).filter((name) => env[name] === undefined);
  if (missing.length) throw new ConfigError(missing.map((name) => `${name}: is required once any WECHAT_PAY_ setting is given`));
  const given = env as Required<WeChatEnv>;
  const read = (name: 'WECHAT_PAY_MCH_PRIVATE_KEY_FILE' | 'WECHAT_PAY_PUBLIC_KEY_FILE') => {
    try {
      return fs.readFileSync(given[name], 'utf8');
    } catch (error) {
      throw new ConfigError([`${name}: cannot read ${given[name]} (${(error as Error).message})`]);
    }
  };
  return {
    apiBase: given.WECHAT_PAY_API_BASE,
    appId: given.WECHAT_APP_ID,
    mchId: given.WECHAT_PAY_MCH_ID,
    serialNo: given.WECHAT_PAY_MCH_SERIAL_NO,
    privateKeyPem: read('WECHAT_PAY_MCH_PRIVATE_KEY_FILE'),
    platformPublicKeyId: given.WECHAT_PAY_PUBLIC_KEY_ID,
    platformPublicKeyPem: read('WECHAT_PAY_PUBLIC_KEY_FILE'),
    apiV3Key: given.WECHAT_PAY_API_V3_KEY,
    notifyUrl: given.WECHAT_PAY_NOTIFY_URL,
    payscoreServiceId: env.WECHAT_PAYSCORE_SERVICE_ID,
  };
}
