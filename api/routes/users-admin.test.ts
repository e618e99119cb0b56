import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSession, aStation } from '../../test/support/driver-data';
import { uniqueId } from '../../test/support/services';

describe('drivers in the console', () => {
  let t: TestApi;
  let support: string;
  let operator: string;
  let admin: string;
  const as = (token: string) => ({ get: (path: string) => t.http.get(path).set('Authorization', token), post: (path: string, body: object = {}) => t.http.post(path).set('Authorization', token).send(body) });
  /** A fresh driver: a token and the user id. */
  const aDriver = async (name = uniqueId('drv')) => {
    const { token, userId } = await t.login(name);
    return { token: `Bearer ${token}`, userId, name };
  };
  const ids = (body: { users: { id: string }[] }) => body.users.map((u) => u.id);

  beforeAll(async () => {
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' });
    support = `Bearer ${(await t.login('ua-support', 'support')).token}`;
    operator = `Bearer ${(await t.login('ua-operator', 'operator')).token}`;
    admin = `Bearer ${(await t.login('ua-admin', 'admin')).token}`;
  });
  afterAll(() => t.stop());

  describe('search', () => {
    it('finds a driver by user id', async () => {
      const d = await aDriver();
      const { body } = await as(support).get(`/api/v1/admin/users?q=${d.userId}`).expect(200);
      expect(ids(body)).toEqual([d.userId]);
      expect(body.users[0]).toMatchObject({ id: d.userId, name: d.name, frozenAt: null });
    });

    it('finds a driver by WeChat openid', async () => {
      const d = await aDriver();
      const openId = uniqueId('oWx');
      await t.db.models.User.update({ wechatOpenId: openId }, { where: { id: d.userId } });
      const { body } = await as(support).get(`/api/v1/admin/users?q=${openId}`).expect(200);
      expect(ids(body)).toEqual([d.userId]);
    });

    it('finds a driver by a whole phone number written any usual way, and by its first digits', async () => {
      const d = await aDriver();
      const phone = `139${String(Date.now()).slice(-8)}`;
      await t.db.models.User.update({ phone }, { where: { id: d.userId } });
      const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
      expect(ids((await as(support).get(`/api/v1/admin/users?q=${encodeURIComponent(spaced)}`).expect(200)).body)).toEqual([d.userId]);
      expect(ids((await as(support).get(`/api/v1/admin/users?q=${phone.slice(0, 9)}`).expect(200)).body)).toContain(d.userId);
    });

    it('finds drivers by the start of their nickname, and never staff', async () => {
      const prefix = uniqueId('nick');
      const a = await aDriver(`${prefix}-a`);
      const b = await aDriver(`${prefix}-b`);
      await t.login(`${prefix}-staff`, 'support');
      const { body } = await as(operator).get(`/api/v1/admin/users?q=${prefix}`).expect(200);
      expect(ids(body).sort()).toEqual([a.userId, b.userId].sort());
    });

    it('treats LIKE wildcards in the query as plain text', async () => {
      await aDriver();
      const { body } = await as(support).get('/api/v1/admin/users?q=%25').expect(200);
      expect(body.users).toEqual([]);
    });

    it('pages through every match with the cursor, newest first, none twice', async () => {
      const prefix = uniqueId('page');
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) created.push((await aDriver(`${prefix}-${i}`)).userId);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/api/v1/admin/users?q=${prefix}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { body } = await as(support).get(query).expect(200);
        seen.push(...ids(body));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen.sort()).toEqual([...created].sort());
      expect(new Set(seen).size).toBe(5);
    });

    it.each([
      ['cursor', 'cursor=not-a-cursor'],
      ['limit', 'limit=1000'],
      ['q', `q=${'x'.repeat(101)}`],
    ])('answers 400 naming %s when it is invalid', async (field, query) => {
      const { body } = await as(support).get(`/api/v1/admin/users?${query}`).expect(400);
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    });

    it('refuses drivers', async () => {
      const d = await aDriver();
      const { body } = await as(d.token).get('/api/v1/admin/users').expect(403);
      expect(body.error.code).toBe('FORBIDDEN');
    });
  });

  describe("a driver's page", () => {
    it('shows the wallet with its open holds, orders, vehicles and feedback', async () => {
      const d = await aDriver();
      await as(d.token).post('/api/v1/wallet/top-ups', { amountFen: 8000 }).expect(201);
      await as(d.token).post('/api/v1/vehicles', { plate: '沪A12345', model: 'Model Y', connectorType: 'GB/T' }).expect(201);
      const { body: fb } = await as(d.token).post('/api/v1/feedback', { kind: 'complaint', content: 'Broken cable' }).expect(201);
      const { stationId, pileIds } = await aStation(t);
      const order = await aSession(t, { userId: d.userId, stationId, pileId: pileIds[0] });
      const running = await aSession(t, { userId: d.userId, stationId, pileId: pileIds[0] }, { status: 'CHARGING' });
      await t.db.models.PaymentHold.create({ sessionId: running.id, userId: d.userId, amountFen: 3000, status: 'held', capturedFen: 0, releasedFen: 0 });
      await t.db.models.Wallet.update({ balanceFen: 5000, heldFen: 3000 }, { where: { userId: d.userId } });

      const { body } = await as(operator).get(`/api/v1/admin/users/${d.userId}`).expect(200);
      expect(body.user).toMatchObject({ id: d.userId, name: d.name, frozenAt: null, frozenBy: null });
      expect(body.wallet).toEqual({ balanceFen: 5000, heldFen: 3000 });
      expect(body.holds).toEqual([expect.objectContaining({ sessionId: running.id, amountFen: 3000, status: 'held' })]);
      expect(body.transactions[0]).toMatchObject({ kind: 'top_up', amountFen: 8000 });
      expect(body.orders.map((o: { id: string }) => o.id).sort()).toEqual([order.id, running.id].sort());
      expect(body.orders.find((o: { id: string }) => o.id === order.id)).toMatchObject({ status: 'COMPLETED', pile: { code: pileIds[0] }, station: { id: stationId }, totalFen: order.bill!.totalFen });
      expect(body.vehicles).toEqual([expect.objectContaining({ plate: '沪A12345' })]);
      expect(body.feedback).toEqual([expect.objectContaining({ id: fb.id, status: 'open', assigneeId: null })]);
    });

    it('answers 404 for a staff member or an unknown id', async () => {
      const { userId } = await t.login('ua-support', 'support');
      await as(support).get(`/api/v1/admin/users/${userId}`).expect(404);
      await as(support).get('/api/v1/admin/users/no-such-user').expect(404);
    });
  });

  describe('freezing', () => {
    it('freezes with a reason, records who and why in the audit log, and unfreezes the same way', async () => {
      const d = await aDriver();
      const { body: frozen } = await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'chargeback fraud' }).expect(200);
      expect(frozen.user).toMatchObject({ id: d.userId, frozenAt: expect.any(String), frozenReason: 'chargeback fraud' });
      const { body: page } = await as(operator).get(`/api/v1/admin/users/${d.userId}`).expect(200);
      expect(page.user.frozenBy).toMatchObject({ name: 'ua-support' });
      expect(ids((await as(support).get(`/api/v1/admin/users?q=${d.userId}&frozen=true`).expect(200)).body)).toEqual([d.userId]);

      const { body: thawed } = await as(admin).post(`/api/v1/admin/users/${d.userId}/unfreeze`, { reason: 'cleared by bank' }).expect(200);
      expect(thawed.user).toMatchObject({ frozenAt: null, frozenReason: null });

      const { body: audit } = await as(admin).get(`/api/v1/admin/audit?target=user:${d.userId}`).expect(200);
      expect(audit.entries.map((e: { action: string; reason: string; actorName: string; result: string }) => [e.action, e.reason, e.actorName, e.result])).toEqual([
        ['user.unfreeze', 'cleared by bank', 'ua-admin', 'ok'],
        ['user.freeze', 'chargeback fraud', 'ua-support', 'ok'],
      ]);
    });

    it('answers 409 when the account is already frozen, and audits the refusal', async () => {
      const d = await aDriver();
      await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'first reason' }).expect(200);
      const { body } = await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'second reason' }).expect(409);
      expect(body.error.code).toBe('CONFLICT');
      const { body: audit } = await as(admin).get(`/api/v1/admin/audit?target=user:${d.userId}`).expect(200);
      expect(audit.entries[0]).toMatchObject({ action: 'user.freeze', result: 'CONFLICT' });
      expect((await as(support).get(`/api/v1/admin/users/${d.userId}`)).body.user.frozenReason).toBe('first reason');
    });

    it('needs a reason', async () => {
      const d = await aDriver();
      const { body } = await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, {}).expect(400);
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'reason' });
    });

    it('is not for operators or drivers', async () => {
      const d = await aDriver();
      await as(operator).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'looks odd' }).expect(403);
      await as(d.token).post(`/api/v1/admin/users/${d.userId}/unfreeze`, { reason: 'let me in' }).expect(403);
    });

    it('refuses a frozen driver a start and a reservation with ACCOUNT_FROZEN', async () => {
      const d = await aDriver();
      const { pileCodes } = await aStation(t, { piles: [{ type: 'fast', status: 'idle' }] });
      await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'chargeback fraud' }).expect(200);
      for (const reserve of [false, true]) {
        const { body } = await as(d.token).post('/api/v1/sessions', { pileCode: pileCodes[0], reserve }).expect(403);
        expect(body.error).toMatchObject({ code: 'ACCOUNT_FROZEN', message: expect.stringContaining('frozen') });
      }
    });

    it('refuses a frozen driver to start the reservation they made before the freeze', async () => {
      const d = await aDriver();
      const { stationId, pileIds } = await aStation(t);
      const reservation = await aSession(t, { userId: d.userId, stationId, pileId: pileIds[0] }, { status: 'RESERVED' });
      await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'chargeback fraud' }).expect(200);
      const { body } = await as(d.token).post(`/api/v1/sessions/${reservation.id}/start`).expect(403);
      expect(body.error.code).toBe('ACCOUNT_FROZEN');
    });

    it('refuses a frozen driver a top-up, and takes them again once unfrozen', async () => {
      const d = await aDriver();
      await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'chargeback fraud' }).expect(200);
      const { body } = await as(d.token).post('/api/v1/wallet/top-ups', { amountFen: 1000 }).expect(403);
      expect(body.error.code).toBe('ACCOUNT_FROZEN');
      expect((await as(d.token).get('/api/v1/wallet').expect(200)).body).toEqual({ balanceFen: 0, heldFen: 0 });
      await as(support).post(`/api/v1/admin/users/${d.userId}/unfreeze`, { reason: 'resolved' }).expect(200);
      await as(d.token).post('/api/v1/wallet/top-ups', { amountFen: 1000 }).expect(201);
    });

    it('still lets a frozen driver see their data and write to support', async () => {
      const d = await aDriver();
      await as(support).post(`/api/v1/admin/users/${d.userId}/freeze`, { reason: 'chargeback fraud' }).expect(200);
      await as(d.token).get('/api/v1/me').expect(200);
      await as(d.token).get('/api/v1/wallet').expect(200);
      await as(d.token).post('/api/v1/feedback', { kind: 'complaint', content: 'Why was I frozen?' }).expect(201);
    });
  });
});

describe.each(['MariaDB', 'SQLite'] as const)('driver search on %s', (database) => {
  let t: TestApi;
  let support: string;

  beforeAll(async () => {
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' }, { database });
    support = `Bearer ${(await t.login('us-support', 'support')).token}`;
  });
  afterAll(() => t.stop());

  it('matches a nickname prefix with LIKE wildcards and the escape character taken literally', async () => {
    const tag = uniqueId('w');
    const literal = await t.login(`${tag}_50%!off`);
    const lookalike = await t.login(`${tag}x50yy!off`);
    const found = async (q: string) => (await t.http.get(`/api/v1/admin/users?q=${encodeURIComponent(q)}`).set('Authorization', support).expect(200)).body.users.map((u: { id: string }) => u.id);
    expect(await found(`${tag}_50%!`)).toEqual([literal.userId]);
    expect(await found(`${tag}`)).toEqual(expect.arrayContaining([literal.userId, lookalike.userId]));
  });
});
