import { z } from 'zod';
import type { WeChatConfig } from './code2session';

/** Sends a mini-program subscribe message to one openid; rejects with WeChat's reason. */
export interface WeChatMessenger {
  send(openId: string, message: { page?: string; data: Record<string, string> }): Promise<void>;
}

const tokenAnswer = z.union([z.object({ access_token: z.string().min(1), expires_in: z.number() }), z.object({ errcode: z.number(), errmsg: z.string().optional() })]);
const sendAnswer = z.object({ errcode: z.number().default(0), errmsg: z.string().optional() });
/** WeChat refused a subscribe message; `errcode` says why (43101: the user has not subscribed, or used it up). */
export class WeChatMessageRefused extends Error {
  constructor(readonly errcode: number) {
    super(`WeChat refused the subscribe message (errcode ${errcode})`);
  }

  /** The user did not allow (or already used) this message: asking again changes nothing. */
  get notSubscribed(): boolean {
    return this.errcode === 43101;
  }
}

/** access_token expired or invalid: fetch a new one and try once more. */
const STALE_TOKEN = new Set([40001, 42001]);

/**
 * WeChat's subscribe message (`/cgi-bin/message/subscribe/send`) with an access token from the stable
 * `/cgi-bin/token` (client_credential), cached until a minute before it expires. Values are cut to 20 characters,
 * the `thing` field limit.
 */
export class WeChatSubscribeMessages implements WeChatMessenger {
  private token?: { value: string; until: number };

  constructor(
    private readonly config: Required<WeChatConfig>,
    private readonly templateId: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(openId: string, message: { page?: string; data: Record<string, string> }): Promise<void> {
    const body = JSON.stringify({
      touser: openId,
      template_id: this.templateId,
      ...(message.page ? { page: message.page } : {}),
      data: Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value: value.slice(0, 20) }])),
    });
    for (let attempt = 0; ; attempt++) {
      const url = new URL('/cgi-bin/message/subscribe/send', this.config.apiBase);
      url.searchParams.set('access_token', await this.accessToken());
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      const answer = sendAnswer.parse(JSON.parse(await response.text()));
      if (answer.errcode === 0) return;
      if (STALE_TOKEN.has(answer.errcode) && attempt === 0) {
        this.token = undefined;
        continue;
      }
      throw new WeChatMessageRefused(answer.errcode);
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.clock()) return this.token.value;
    const url = new URL('/cgi-bin/token', this.config.apiBase);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.config.appId, secret: this.config.appSecret }).toString();
    const answer = tokenAnswer.parse(JSON.parse(await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text()));
    if ('errcode' in answer) throw new Error(`WeChat gave no access token (errcode ${answer.errcode})`);
    this.token = { value: answer.access_token, until: this.clock() + (answer.expires_in - 60) * 1000 };
    return answer.access_token;
  }
}

/** The messenger when WeChat and the template are configured; undefined means that channel is skipped. */
export function wechatMessengerFrom(config: WeChatConfig, templateId: string | undefined): WeChatMessenger | undefined {
  if (!config.appId || !config.appSecret || !templateId) return undefined;
  return new WeChatSubscribeMessages({ apiBase: config.apiBase, appId: config.appId, appSecret: config.appSecret }, templateId);
}
