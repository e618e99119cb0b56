import { startTestApi, type TestApi } from '../../test/support/api-harness';

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

describe('the login rate limit', () => {
  const limit = 3;

  /** The statuses of one more login than the limit allows, each claiming another forwarded address. */
  async function loginsFromForwardedAddresses(env: Record<string, string>): Promise<number[]> {
    const t = await startTestApi({}, { LOGIN_RATE_LIMIT_PER_MINUTE: String(limit), ...env });
    try {
      const statuses = [];
      for (let i = 0; i <= limit; i++) {
        statuses.push((await t.http.post('/api/v1/auth/dev-login').set('X-Forwarded-For', `203.0.113.${i}`).send({ name: `xff-${i}` })).status);
      }
      return statuses;
    } finally {
      await t.stop();
    }
  }

  it('counts one client however it spells X-Forwarded-For when no proxy is trusted', async () => {
    expect(await loginsFromForwardedAddresses({})).toEqual([200, 200, 200, 429]);
  });

  it('counts each forwarded client on its own behind a trusted proxy (TRUST_PROXY=true)', async () => {
    expect(await loginsFromForwardedAddresses({ TRUST_PROXY: 'true' })).toEqual([200, 200, 200, 200]);
  });
});
