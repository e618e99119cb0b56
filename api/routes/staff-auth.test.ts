import { generate } from 'otplib';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';

/** The audit entries about one target, oldest first. */
async function auditOf(t: TestApi, target: string) {
  const rows = await t.db.models.AuditEntry.findAll({ where: { target }, order: [['id', 'ASC']] });
  return rows.map((r) => ({ actorName: r.actorName, action: r.action, reason: r.reason, result: r.result }));
}

describe('staff sign-in by password', () => {
  let t: TestApi;
  const signIn = (body: object, from = '198.51.100.1') => t.http.post('/api/v1/auth/staff-login').set('X-Forwarded-For', from).send(body);

  beforeAll(async () => {
    t = await startTestApi({}, { TRUST_PROXY: 'true', STAFF_LOGIN_FAILURES_PER_USERNAME: '3', STAFF_LOGIN_FAILURES_PER_ADDRESS: '5' });
  });
  afterAll(() => t.stop());

  it('signs a staff member in with a token that passes their role checks', async () => {
    const { token } = await t.staffLogin(uniqueId('support'), 'support');
    await t.http.get('/api/v1/admin/sessions').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('answers a wrong password and an unknown username with the same 401', async () => {
    const username = uniqueId('operator');
    await t.staffLogin(username, 'operator');
    const wrongPassword = await signIn({ username, password: 'not-the-password' }).expect(401);
    const unknownName = await signIn({ username: uniqueId('nobody'), password: 'not-the-password' }).expect(401);
    expect(wrongPassword.body).toEqual(unknownName.body);
  });

  it('records successful and failed sign-ins in the audit log', async () => {
    const username = uniqueId('auditee');
    await t.staffLogin(username, 'support');
    await signIn({ username, password: 'wrong' }).expect(401);
    expect(await auditOf(t, `staff:${username}`)).toEqual([
      { actorName: username, action: 'staff.sign-in', reason: null, result: 'ok' },
      { actorName: username, action: 'staff.sign-in', reason: 'wrong username or password', result: 'UNAUTHENTICATED' },
    ]);
  });

  it('answers 429 with Retry-After once a username has failed too often, from any address, whether it exists or not', async () => {
    const username = uniqueId('target');
    for (const from of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) await signIn({ username, password: 'guess' }, from).expect(401);
    const { body, headers } = await signIn({ username, password: 'guess' }, '203.0.113.4').expect(429);
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(Number(headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 429 once one address has failed too often, whichever usernames it tries', async () => {
    const from = '203.0.113.77';
    for (let i = 0; i < 5; i++) await signIn({ username: uniqueId('spray'), password: 'guess' }, from).expect(401);
    await signIn({ username: uniqueId('spray'), password: 'guess' }, from).expect(429);
  });

  it('keeps the right password out while the username is locked', async () => {
    const username = uniqueId('locked');
    const { password } = await t.staffLogin(username, 'support');
    for (let i = 0; i < 3; i++) await signIn({ username, password: 'guess' }, `192.0.2.${i}`).expect(401);
    await signIn({ username, password }, '192.0.2.99').expect(429);
  });

  it('refuses a malformed request with a 400 naming the field', async () => {
    const { body } = await signIn({ username: 'someone' }).expect(400);
    expect(body.error.field).toBe('password');
  });
});

describe('TOTP for staff accounts', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.stop());

  /** Enrols a new account in TOTP; its secret and what it signs in with. */
  async function enrolled() {
    const username = uniqueId('totp');
    const { token, password } = await t.staffLogin(username, 'operator');
    const auth = `Bearer ${token}`;
    const { body } = await t.http.post('/api/v1/auth/staff-totp').set('Authorization', auth).send({}).expect(200);
    const secret = new URL(body.otpauthUri).searchParams.get('secret')!;
    await t.http.post('/api/v1/auth/staff-totp').set('Authorization', auth).send({ code: await generate({ secret }) }).expect(200);
    return { username, password, secret, auth };
  }

  it('returns an otpauth URI naming the account, and needs a code from it to switch TOTP on', async () => {
    const username = uniqueId('totp');
    const { token } = await t.staffLogin(username, 'operator');
    const { body } = await t.http.post('/api/v1/auth/staff-totp').set('Authorization', `Bearer ${token}`).send({}).expect(200);
    expect(body.otpauthUri).toMatch(new RegExp(`^otpauth://totp/.*${username}`));
    const wrong = await t.http.post('/api/v1/auth/staff-totp').set('Authorization', `Bearer ${token}`).send({ code: '000000x' }).expect(400);
    expect(wrong.body.error.field).toBe('code');
  });

  it('asks for the code at sign-in once TOTP is on, and signs in with it', async () => {
    const { username, password, secret } = await enrolled();
    const withoutCode = await t.http.post('/api/v1/auth/staff-login').send({ username, password }).expect(401);
    expect(withoutCode.body.error.field).toBe('code');
    await t.http.post('/api/v1/auth/staff-login').send({ username, password, code: await generate({ secret }) }).expect(200);
  });

  it('never shows the secret again once TOTP is on', async () => {
    const { auth } = await enrolled();
    const { body } = await t.http.post('/api/v1/auth/staff-totp').set('Authorization', auth).send({}).expect(409);
    expect(body.error.code).toBe('CONFLICT');
  });

  it('is for staff: a driver is refused', async () => {
    const { token } = await t.login(uniqueId('driver'));
    await t.http.post('/api/v1/auth/staff-totp').set('Authorization', `Bearer ${token}`).send({}).expect(403);
  });
});
