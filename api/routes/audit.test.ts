import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';

describe('the audit log of staff actions', () => {
  let t: TestApi;
  let admin: string;
  let support: string;
  let supportId: string;
  const read = (auth: string, query = '') => t.http.get(`/api/v1/admin/audit${query}`).set('Authorization', auth);

  beforeAll(async () => {
    t = await startTestApi();
    admin = `Bearer ${(await t.staffLogin('audit-admin', 'admin')).token}`;
    const signedIn = await t.staffLogin('audit-support', 'support');
    support = `Bearer ${signedIn.token}`;
    supportId = signedIn.userId;
  });
  afterAll(() => t.stop());

  /** Writes entries straight through the repository: `action` each, at the given instants. */
  async function entries(action: string, instants: string[]) {
    for (const at of instants) await t.db.models.AuditEntry.create({ at: new Date(at), actorId: 'actor-1', actorName: 'someone', actorRole: 'admin', action, target: 'staff:x', reason: null, result: 'ok' });
  }

  it('pages newest first through a cursor', async () => {
    const action = uniqueId('paged');
    await entries(action, ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z']);
    const first = await read(admin, `?action=${action}&limit=2`).expect(200);
    expect(first.body.entries.map((e: { at: string }) => e.at)).toEqual(['2026-01-03T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
    const second = await read(admin, `?action=${action}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.entries.map((e: { at: string }) => e.at)).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by period: from inclusive, to exclusive', async () => {
    const action = uniqueId('period');
    await entries(action, ['2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z']);
    const { body } = await read(admin, `?action=${action}&from=2026-02-02T00:00:00Z&to=2026-02-03T00:00:00Z`).expect(200);
    expect(body.entries.map((e: { at: string }) => e.at)).toEqual(['2026-02-02T00:00:00.000Z']);
  });

  it("records support's feedback reply, readable by actor and target", async () => {
    const driver = `Bearer ${(await t.login(uniqueId('driver'))).token}`;
    const { body: item } = await t.http.post('/api/v1/feedback').set('Authorization', driver).send({ kind: 'complaint', content: 'Broken cable' }).expect(201);
    await t.http.post(`/api/v1/admin/feedback/${item.id}/replies`).set('Authorization', support).send({ content: 'Fixed today' }).expect(201);
    const { body } = await read(support, `?actorId=${supportId}&target=feedback:${item.id}`).expect(200);
    expect(body.entries).toEqual([expect.objectContaining({ actorId: supportId, actorName: 'audit-support', actorRole: 'support', action: 'feedback.reply', result: 'ok' })]);
  });

  it.each([
    ['a cursor that is not a number', '?cursor=abc', 'cursor'],
    ['a date that is not a date', '?from=yesterday', 'from'],
    ['an unknown filter', '?who=me', 'body'],
  ])('refuses %s with a 400', async (_case, query, field) => {
    const { body } = await read(admin, query).expect(400);
    expect(body.error.field ?? 'body').toBe(field);
  });

  it.each([['driver'], ['operator']])('refuses a %s', async (role) => {
    const token = role === 'driver' ? (await t.login(uniqueId('driver'))).token : (await t.staffLogin(uniqueId('operator'), 'operator')).token;
    await read(`Bearer ${token}`).expect(403);
  });
});
