import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';

describe('staff accounts, managed by admins', () => {
  let t: TestApi;
  let admin: string;
  let adminId: string;
  const as = (auth: string) => ({
    get: (path: string) => t.http.get(`/api/v1/admin/staff${path}`).set('Authorization', auth),
    post: (path: string, body: object = {}) => t.http.post(`/api/v1/admin/staff${path}`).set('Authorization', auth).send(body),
  });
  const signIn = (username: string, password: string) => t.http.post('/api/v1/auth/staff-login').send({ username, password });
  const auditOf = async (target: string) =>
    (await t.db.models.AuditEntry.findAll({ where: { target }, order: [['id', 'ASC']] })).map((r) => ({ actorId: r.actorId, action: r.action, reason: r.reason, result: r.result }));

  beforeAll(async () => {
    t = await startTestApi();
    const signedIn = await t.staffLogin('root-admin', 'admin');
    admin = `Bearer ${signedIn.token}`;
    adminId = signedIn.userId;
  });
  afterAll(() => t.stop());

  /** A new account made through the API: its id, username and generated password. */
  async function created(role = 'support') {
    const username = uniqueId('staff');
    const { body } = await as(admin).post('', { username, role, reason: 'new hire' }).expect(201);
    return { id: body.staff.id as string, username, password: body.password as string };
  }

  it('creates an account whose generated password, shown once, signs it in', async () => {
    const { id, username, password } = await created('operator');
    expect(password.length).toBeGreaterThanOrEqual(20);
    const { body } = await signIn(username, password).expect(200);
    expect(body.user).toEqual({ id, name: username, role: 'operator' });
  });

  it('lists accounts without hashes or secrets', async () => {
    const { id, username } = await created();
    const { body } = await as(admin).get('').expect(200);
    const listed = body.staff.find((s: { id: string }) => s.id === id);
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'disabledAt', 'id', 'phone', 'role', 'totpEnabled', 'username', 'wechatOpenId']);
    expect(listed).toMatchObject({ username, role: 'support', totpEnabled: false, disabledAt: null });
  });

  it.each([
    ['a username with capitals and spaces', { username: 'Bad Name', role: 'support' }, 'username'],
    ['a driver role', { username: 'would-be-driver', role: 'driver' }, 'role'],
    ['an unknown field', { username: 'extra-field', role: 'support', password: 'chosen' }, 'body'],
  ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
    const { body: answer } = await as(admin).post('', body).expect(400);
    expect(answer.error.code).toBe('VALIDATION_FAILED');
    expect(answer.error.field ?? 'body').toBe(field);
  });

  it('lets every staff role read the directory of enabled accounts, names and roles only; drivers may not', async () => {
    const colleague = await created('support');
    const gone = await created('operator');
    await as(admin).post(`/${gone.id}/disable`, { reason: 'left the company' }).expect(200);
    const operator = `Bearer ${(await t.staffLogin(uniqueId('op'), 'operator')).token}`;
    const { body } = await as(operator).get('/directory').expect(200);
    expect(body.staff).toEqual(expect.arrayContaining([{ id: colleague.id, username: colleague.username, role: 'support' }]));
    expect(body.staff.map((s: { id: string }) => s.id)).not.toContain(gone.id);
    for (const member of body.staff) expect(Object.keys(member).sort()).toEqual(['id', 'role', 'username']);
    await as(operator).get('').expect(403);
    await as(`Bearer ${(await t.login(uniqueId('driver'))).token}`).get('/directory').expect(403);
  });

  it('refuses a taken username with a 409', async () => {
    const { username } = await created();
    const { body } = await as(admin).post('', { username, role: 'support' }).expect(409);
    expect(body.error).toMatchObject({ code: 'CONFLICT', field: 'username' });
  });

  it("ends a disabled account's tokens and sign-ins at once, and enabling lets it sign in again", async () => {
    const { id, username, password } = await created();
    const { body: session } = await signIn(username, password).expect(200);
    await as(admin).post(`/${id}/disable`, { reason: 'left the company' }).expect(200);
    await t.http.get('/api/v1/admin/sessions').set('Authorization', `Bearer ${session.token}`).expect(401);
    await signIn(username, password).expect(401);
    await as(admin).post(`/${id}/enable`, { reason: 'came back' }).expect(200);
    await t.http.get('/api/v1/admin/sessions').set('Authorization', `Bearer ${session.token}`).expect(401);
    await signIn(username, password).expect(200);
  });

  it('needs a reason to disable, enable or reset an account', async () => {
    const { id } = await created();
    for (const action of ['disable', 'enable', 'reset-password']) {
      const { body } = await as(admin).post(`/${id}/${action}`, {}).expect(400);
      expect(body.error.field).toBe('reason');
    }
  });

  it('does not let an admin disable their own account', async () => {
    await as(admin).post(`/${adminId}/disable`, { reason: 'oops' }).expect(403);
  });

  it('answers 404 for an account that does not exist', async () => {
    await as(admin).post('/no-such-account/disable', { reason: 'cleanup' }).expect(404);
  });

  it('resets a password: the old one and the old tokens stop working, the new one signs in', async () => {
    const { id, username, password } = await created();
    const { body: session } = await signIn(username, password).expect(200);
    const { body } = await as(admin).post(`/${id}/reset-password`, { reason: 'forgot it' }).expect(200);
    await signIn(username, password).expect(401);
    await t.http.get('/api/v1/admin/sessions').set('Authorization', `Bearer ${session.token}`).expect(401);
    await signIn(username, body.password).expect(200);
  });

  it('audits every change with who, what, target, why and result', async () => {
    const { id, username } = await created();
    await as(admin).post(`/${id}/disable`, { reason: 'left the company' }).expect(200);
    const missing = uniqueId('missing');
    await as(admin).post(`/${missing}/enable`, { reason: 'typo' }).expect(404);
    expect(await auditOf(`staff:${username}`)).toEqual([{ actorId: adminId, action: 'staff.create', reason: 'new hire', result: 'ok' }]);
    expect(await auditOf(`staff:${id}`)).toEqual([{ actorId: adminId, action: 'staff.disable', reason: 'left the company', result: 'ok' }]);
    expect(await auditOf(`staff:${missing}`)).toEqual([{ actorId: adminId, action: 'staff.enable', reason: 'typo', result: 'NOT_FOUND' }]);
  });

  describe.each([
    ['GET', ''],
    ['POST', ''],
    ['POST', '/some-id/disable'],
    ['POST', '/some-id/enable'],
    ['POST', '/some-id/reset-password'],
  ])('%s /api/v1/admin/staff%s', (method, path) => {
    it.each([['driver'], ['support'], ['operator']])('refuses a %s', async (role) => {
      const auth = role === 'driver' ? (await t.login(uniqueId('driver'))).token : (await t.staffLogin(uniqueId(role), role as 'support' | 'operator')).token;
      const call = method === 'GET' ? as(`Bearer ${auth}`).get(path) : as(`Bearer ${auth}`).post(path, { username: 'x-y-z', role: 'admin', reason: 'promote myself' });
      await call.expect(403);
    });
  });
});
