import { startTestApi, TestApi } from '../../test/support/api-harness';

describe('dev login', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.stop());

  it('signs in a driver', async () => {
    const { body } = await t.http.post('/api/v1/auth/dev-login').send({ name: 'dl-driver' }).expect(200);
    expect(body.user).toMatchObject({ name: 'dl-driver', role: 'driver' });
  });

  it.each(['operator', 'support', 'admin'])('refuses to make an %s unless AUTH_DEV_LOGIN_STAFF is set', async (role) => {
    const { body } = await t.http.post('/api/v1/auth/dev-login').send({ name: `self-made-${role}`, role }).expect(403);
    expect(body.error).toMatchObject({ code: 'FORBIDDEN', field: 'role' });
  });
});

describe('dev login for tests and demos (AUTH_DEV_LOGIN_STAFF=true)', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' });
  });
  afterAll(() => t.stop());

  it('makes staff of the asked role', async () => {
    const { body } = await t.http.post('/api/v1/auth/dev-login').send({ name: 'demo-support', role: 'support' }).expect(200);
    expect(body.user).toMatchObject({ role: 'support' });
  });
});
