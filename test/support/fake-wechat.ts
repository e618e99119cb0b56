import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_APP_ID = 'wx0123456789abcdef';
export const FAKE_APP_SECRET = '0123456789abcdef0123456789abcdef';

export interface FakeWeChat {
  apiBase: string;
  /** What wx.login would hand the mini-program for this user: a code valid once. */
  issueCode(openId: string): string;
  /** The errcodes the next subscribe messages are refused with, in order (then accepted again). */
  subscribeErrors: number[];
  /** Subscribe messages accepted (`/cgi-bin/message/subscribe/send`), in order. */
  subscribeMessages: { touser: string; template_id: string; page?: string; data: Record<string, { value: string }> }[];
  close(): Promise<void>;
}

/**
 * A local server that answers code2Session as WeChat does: a valid code gives its openid once, an invalid or
 * used code gives errcode 40029, a wrong AppID or AppSecret 40013 / 40125. Like WeChat, it answers text/plain.
 */
export async function startFakeWeChat(): Promise<FakeWeChat> {
  const codes = new Map<string, string>();
  const accessToken = randomBytes(16).toString('hex');
  const subscribeMessages: FakeWeChat['subscribeMessages'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    const answer = (body: object) => res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.stringify(body));
    if (url.pathname === '/cgi-bin/token') {
      if (q.get('appid') !== FAKE_APP_ID || q.get('secret') !== FAKE_APP_SECRET) return answer({ errcode: 40125, errmsg: 'invalid appsecret' });
      return answer({ access_token: accessToken, expires_in: 7200 });
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send') {
      if (q.get('access_token') !== accessToken) return answer({ errcode: 40001, errmsg: 'invalid credential' });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const refusal = fake.subscribeErrors.shift();
        if (refusal !== undefined) return answer({ errcode: refusal, errmsg: 'refused by the test' });
        subscribeMessages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        answer({ errcode: 0, errmsg: 'ok' });
      });
      return;
    }
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
  const fake: FakeWeChat = {
    apiBase: `http://127.0.0.1:${port}`,
    subscribeErrors: [],
    subscribeMessages,
    issueCode(openId) {
      const code = randomBytes(16).toString('hex');
      codes.set(code, openId);
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
