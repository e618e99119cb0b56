import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_APP_ID = 'wx0123456789abcdef';
export const FAKE_APP_SECRET = '0123456789abcdef0123456789abcdef';

export interface FakeWeChat {
  apiBase: string;
  /** What wx.login would hand the mini-program for this user: a code valid once. */
  issueCode(openId: string): string;
  close(): Promise<void>;
}

/**
 * A local server that answers code2Session as WeChat does: a valid code gives its openid once, an invalid or
 * used code gives errcode 40029, a wrong AppID or AppSecret 40013 / 40125. Like WeChat, it answers text/plain.
 */
export async function startFakeWeChat(): Promise<FakeWeChat> {
  const codes = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    const answer = (body: object) => res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.stringify(body));
    if (url.pathname !== '/sns/jscode2session') return res.writeHead(404).end();
    if (q.get('appid') !== FAKE_APP_ID) return answer({ errcode: 40013, errmsg: 'invalid appid' });
    if (q.get('secret') !== FAKE_APP_SECRET) return answer({ errcode: 40125, errmsg: 'invalid appsecret' });
    if (q.get('grant_type') !== 'authorization_code') return answer({ errcode: 40002, errmsg: 'invalid grant_type' });
    const openId = codes.get(q.get('js_code') ?? '');
    if (!openId) return answer({ errcode: 40029, errmsg: 'invalid code' });
    codes.delete(q.get('js_code')!);
    answer({ openid: openId, session_key: randomBytes(16).toString('base64') });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: `http://127.0.0.1:${port}`,
    issueCode(openId) {
      const code = randomBytes(16).toString('hex');
      codes.set(code, openId);
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
