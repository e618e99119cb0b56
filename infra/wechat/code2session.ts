import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { WeChatEnv } from '../config';

/** Where WeChat's server API is and which mini-program we are; appId/appSecret unset means WeChat login is off. */
export interface WeChatConfig {
  apiBase: string;
  appId?: string;
  appSecret?: string;
}

export function wechatConfigFrom(env: WeChatEnv): WeChatConfig {
  return { apiBase: env.WECHAT_API_BASE, appId: env.WECHAT_APP_ID, appSecret: env.WECHAT_APP_SECRET };
}

const answer = z.union([
  z.object({ openid: z.string().min(1).max(64), unionid: z.string().optional() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
]);

/** errcodes of code2Session that mean the code itself is no good (invalid, expired or already used). */
const BAD_CODE = new Set([40029, 40163]);
const RATE_LIMITED = 45011;

/**
 * Exchanges a mini-program login code (wx.login) for the user's openid through WeChat's code2Session.
 * The session_key WeChat also returns is deliberately dropped: nothing here decrypts user data.
 */
export async function code2Session(config: WeChatConfig | undefined, code: string): Promise<{ openId: string; unionId?: string }> {
  if (!config?.appId || !config.appSecret) throw new DomainError('FORBIDDEN', 'WeChat login is not configured on this server (set WECHAT_APP_ID and WECHAT_APP_SECRET)');
  const url = new URL('/sns/jscode2session', config.apiBase);
  url.search = new URLSearchParams({ appid: config.appId, secret: config.appSecret, js_code: code, grant_type: 'authorization_code' }).toString();
  let parsed;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    parsed = answer.safeParse(JSON.parse(await response.text()));
  } catch {
    throw new DomainError('UPSTREAM_FAILED', 'WeChat did not answer the login request; try again');
  }
  if (!parsed.success) throw new DomainError('UPSTREAM_FAILED', 'WeChat answered the login request with something unexpected');
  const result = parsed.data;
  if ('openid' in result) return { openId: result.openid, unionId: result.unionid };
  if (BAD_CODE.has(result.errcode)) throw new DomainError('UNAUTHENTICATED', 'the WeChat login code is invalid or already used; call wx.login again', { field: 'code' });
  if (result.errcode === RATE_LIMITED) throw new DomainError('RATE_LIMITED', 'WeChat is rate-limiting logins; retry in a minute');
  throw new DomainError('UPSTREAM_FAILED', `WeChat refused the login (errcode ${result.errcode})`);
}
