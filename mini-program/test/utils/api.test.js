const { installFakeWx } = require('../support/fake-wx');

describe('the API client', () => {
  let fake;
  let api;
  let auth;

  beforeEach(() => {
    jest.resetModules();
    fake = installFakeWx();
    api = require('../../utils/api');
    auth = require('../../utils/auth');
    fake.api.on('POST /auth/dev-login', () => ({ token: `token-${fake.api.count('POST', '/auth/dev-login')}`, user: { id: 'u1', name: 'demo-driver', role: 'driver' } }));
    fake.api.on('GET /wallet', (request) => (request.header.Authorization === 'Bearer expired' ? { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'expired' } } } : { balanceFen: 100, heldFen: 0 }));
  });

  it('signs in once for calls made together, and sends the token with each', async () => {
    await Promise.all([api.get('/wallet'), api.get('/wallet')]);
    expect(fake.api.count('POST', '/auth/dev-login')).toBe(1);
    expect(fake.api.last('GET', '/wallet').header.Authorization).toBe('Bearer token-1');
    expect(auth.currentSession().user.name).toBe('demo-driver');
  });

  it('signs in again and repeats the call once when the stored token is refused', async () => {
    auth.saveSession({ token: 'expired', user: { id: 'u1' } });
    await expect(api.get('/wallet')).resolves.toEqual({ balanceFen: 100, heldFen: 0 });
    expect(fake.api.count('GET', '/wallet')).toBe(2);
    expect(auth.currentSession().token).toBe('token-1');
  });

  it("rejects with the API's error code, message and field", async () => {
    fake.api.fail('POST /vehicles', 400, 'VALIDATION_FAILED', 'plate: expected a plate', 'plate');
    await expect(api.post('/vehicles', { plate: 'x' })).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'plate', message: 'plate: expected a plate' });
  });

  it('rejects with NETWORK when the API cannot be reached', async () => {
    auth.saveSession({ token: 't', user: {} });
    fake.online = false;
    await expect(api.get('/wallet')).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
  });

  it('leaves empty query values out of the URL', async () => {
    fake.api.on('GET /stations', () => ({ stations: [] }));
    await api.get('/stations', { lat: 31.2, lng: undefined, type: '' }, { anonymous: true });
    expect(fake.api.last('GET', '/stations').query).toEqual({ lat: '31.2' });
  });

  it('signs in with the WeChat login code in a shipped build', async () => {
    jest.resetModules();
    wx.getAccountInfoSync = () => ({ miniProgram: { envVersion: 'release' } });
    fake.api.on('POST /auth/wechat-login', (request) => ({ token: `wechat-${request.data.code}`, user: { id: 'u2', name: '微信用户', role: 'driver' } }));
    const shippedApi = require('../../utils/api');
    fake.api.on('GET /me', () => ({ id: 'u2' }));
    await shippedApi.get('/me');
    expect(fake.api.last('GET', '/me').header.Authorization).toBe('Bearer wechat-wx-login-code');
  });
});
