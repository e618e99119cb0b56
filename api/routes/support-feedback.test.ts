import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';

describe("support's feedback queue", () => {
  let t: TestApi;
  let support: { token: string; userId: string };
  let colleague: { token: string; userId: string };
  let admin: string;
  const as = (token: string) => ({ get: (path: string) => t.http.get(path).set('Authorization', token), post: (path: string, body: object = {}) => t.http.post(path).set('Authorization', token).send(body) });
  /** A fresh driver (submissions are rate-limited per driver) and their first item. */
  const anItem = async (content = 'The cable was damaged') => {
    const login = await t.login(uniqueId('sf-driver'));
    const token = `Bearer ${login.token}`;
    const { body } = await as(token).post('/api/v1/feedback', { kind: 'complaint', content }).expect(201);
    return { driver: { token, userId: login.userId }, item: body as { id: string } };
  };

  beforeAll(async () => {
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' });
    const s = await t.login('sf-support', 'support');
    support = { token: `Bearer ${s.token}`, userId: s.userId };
    const c = await t.login('sf-colleague', 'support');
    colleague = { token: `Bearer ${c.token}`, userId: c.userId };
    admin = `Bearer ${(await t.login('sf-admin', 'admin')).token}`;
  });
  afterAll(() => t.stop());

  it("shows an item with its driver's name and nobody assigned", async () => {
    const { driver, item } = await anItem();
    const { body } = await as(support.token).get(`/api/v1/admin/feedback/${item.id}`).expect(200);
    expect(body).toMatchObject({ id: item.id, status: 'open', user: { id: driver.userId, name: expect.stringContaining('sf-driver') }, assignee: null, replies: [] });
  });

  it('assigns an item to a colleague, lists it under their name, and audits the assignment', async () => {
    const { item } = await anItem();
    const { body } = await as(support.token).post(`/api/v1/admin/feedback/${item.id}/assign`, { staffId: colleague.userId, note: 'you know this station' }).expect(200);
    expect(body.assignee).toEqual({ id: colleague.userId, name: 'sf-colleague' });

    const mine = await as(colleague.token).get('/api/v1/admin/feedback?assignee=me').expect(200);
    expect(mine.body.feedback.map((f: { id: string }) => f.id)).toContain(item.id);
    const unassigned = await as(colleague.token).get('/api/v1/admin/feedback?assignee=none&limit=200').expect(200);
    expect(unassigned.body.feedback.map((f: { id: string }) => f.id)).not.toContain(item.id);

    const { body: audit } = await as(admin).get(`/api/v1/admin/audit?target=feedback:${item.id}`).expect(200);
    expect(audit.entries[0]).toMatchObject({ action: 'feedback.assign', actorName: 'sf-support', reason: `to ${colleague.userId}: you know this station`, result: 'ok' });
  });

  it('takes an assignment back to nobody', async () => {
    const { item } = await anItem();
    await as(support.token).post(`/api/v1/admin/feedback/${item.id}/assign`, { staffId: support.userId }).expect(200);
    const { body } = await as(support.token).post(`/api/v1/admin/feedback/${item.id}/assign`, { staffId: null }).expect(200);
    expect(body.assignee).toBeNull();
  });

  it.each([
    ['a driver', async () => (await t.login(uniqueId('sf-not-staff'))).userId],
    ['an operator', async () => (await t.login('sf-operator', 'operator')).userId],
    ['an unknown id', async () => 'no-such-user'],
  ])('refuses to assign to %s', async (_who, staffId) => {
    const { item } = await anItem();
    const { body } = await as(support.token).post(`/api/v1/admin/feedback/${item.id}/assign`, { staffId: await staffId() }).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'staffId' });
  });

  it('closes an item with a reason in the audit log; the driver sees it closed', async () => {
    const { driver, item } = await anItem();
    const { body } = await as(support.token).post(`/api/v1/admin/feedback/${item.id}/close`, { reason: 'duplicate' }).expect(200);
    expect(body.status).toBe('closed');
    expect((await as(driver.token).get(`/api/v1/feedback/${item.id}`).expect(200)).body.status).toBe('closed');
    const { body: audit } = await as(admin).get(`/api/v1/admin/audit?target=feedback:${item.id}`).expect(200);
    expect(audit.entries[0]).toMatchObject({ action: 'feedback.close', reason: 'duplicate', result: 'ok' });
  });

  it('lists one status a page at a time with the cursor, none twice', async () => {
    const mine: string[] = [];
    const { driver } = await anItem('first');
    mine.push((await as(support.token).get(`/api/v1/admin/feedback?userId=${driver.userId}`).expect(200)).body.feedback[0].id);
    for (const content of ['second', 'third']) mine.push((await as(driver.token).post('/api/v1/feedback', { kind: 'suggestion', content }).expect(201)).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/v1/admin/feedback?status=open&userId=${driver.userId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const { body } = await as(support.token).get(path).expect(200);
      seen.push(...body.feedback.map((f: { id: string }) => f.id));
      cursor = body.nextCursor;
    } while (cursor && seen.length < 10);
    expect([...seen].sort()).toEqual([...mine].sort());
    expect(new Set(seen).size).toBe(3);
  });

  it('answers 400 naming the cursor when it is not one the API gave out', async () => {
    const { body } = await as(support.token).get('/api/v1/admin/feedback?cursor=zzz').expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
  });
});
