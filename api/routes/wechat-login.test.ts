import { FAKE_APP_ID, FAKE_APP_SECRET, type FakeWeChat, startFakeWeChat } from '../../test/support/fake-wechat';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';

describe('WeChat login', () => {
  let wechat: FakeWeChat;
  let t: TestApi;

  beforeAll(async () => {
    wechat = await startFakeWeChat();
    t = await startTestApi({ wechat: { apiBase: wechat.apiBase, appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET } });
  });
  afterAll(async () => {
    await t.stop();
    await wechat.close();
  });

  const login = (code: string) => t.http.post('/api/v1/auth/wechat-login').send({ code });

  it('exchanges a login code for a token of a new driver bound to the openid', async () => {
    const openId = uniqueId('openid');
    const { body } = await login(wechat.issueCode(openId)).expect(200);
    expect(body.user).toMatchObject({ role: 'driver', name: expect.stringContaining(openId.slice(-4)) });
    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${body.token}`).expect(200);
    expect(me.body).toMatchObject({ id: body.user.id, wechatLinked: true });
  });

  it('signs the same WeChat user in as the same driver every time', async () => {
    const openId = uniqueId('openid');
    const first = await login(wechat.issueCode(openId)).expect(200);
    const second = await login(wechat.issueCode(openId)).expect(200);
    expect(second.body.user.id).toBe(first.body.user.id);
  });

  it('refuses a code that was already used', async () => {
    const code = wechat.issueCode(uniqueId('openid'));
    await login(code).expect(200);
    const { body } = await login(code).expect(401);
    expect(body.error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'code' });
  });

  it('refuses a code WeChat never issued', async () => {
    const { body } = await login('not-a-real-code').expect(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 400 naming the code when it is missing', async () => {
    const { body } = await t.http.post('/api/v1/auth/wechat-login').send({}).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'code' });
  });

  it('reports a bad gateway, without our secret, when WeChat rejects our credentials', async () => {
    const misconfigured = t.httpWith({ wechat: { apiBase: wechat.apiBase, appId: FAKE_APP_ID, appSecret: 'f'.repeat(32) } });
    const { body } = await misconfigured.post('/api/v1/auth/wechat-login').send({ code: wechat.issueCode('x') }).expect(502);
    expect(body.error.code).toBe('UPSTREAM_FAILED');
    expect(JSON.stringify(body)).not.toContain('f'.repeat(32));
  });

  it('reports a bad gateway when WeChat cannot be reached', async () => {
    const unreachable = t.httpWith({ wechat: { apiBase: 'http://127.0.0.1:9', appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET } });
    const { body } = await unreachable.post('/api/v1/auth/wechat-login').send({ code: 'any' }).expect(502);
    expect(body.error.code).toBe('UPSTREAM_FAILED');
  });

  it('says WeChat login is not configured when the AppID and AppSecret are unset', async () => {
    const unconfigured = t.httpWith({ wechat: undefined });
    const { body } = await unconfigured.post('/api/v1/auth/wechat-login').send({ code: 'any' }).expect(403);
    expect(body.error.message).toMatch(/WECHAT_APP_ID/);
  });
});
