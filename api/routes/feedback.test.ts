import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSession, aStation } from '../../test/support/driver-data';
import { uniqueId } from '../../test/support/services';

describe('complaints and suggestions', () => {
  let t: TestApi;
  let alice: string;
  let bob: string;
  let support: string;
  let operator: string;
  const submit = (who: string, body: object = {}) => t.http.post('/api/v1/feedback').set('Authorization', who).send({ kind: 'complaint', content: 'The cable was damaged', ...body });

  beforeAll(async () => {
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' });
    bob = `Bearer ${(await t.login('fb-bob')).token}`;
    support = `Bearer ${(await t.login('fb-support', 'support')).token}`;
    operator = `Bearer ${(await t.login('fb-operator', 'operator')).token}`;
  });
  afterAll(() => t.stop());
  // A new complainant per test: submissions are rate-limited per driver.
  beforeEach(async () => {
    alice = `Bearer ${(await t.login(uniqueId('fb-alice'))).token}`;
  });

  it('submits a complaint about a station, which starts open with no replies', async () => {
    const { stationId } = await aStation(t);
    const { body } = await submit(alice, { stationId }).expect(201);
    expect(body).toMatchObject({ kind: 'complaint', status: 'open', stationId, replies: [] });
    const list = await t.http.get('/api/v1/feedback').set('Authorization', alice).expect(200);
    expect(list.body.feedback.map((f: { id: string }) => f.id)).toContain(body.id);
  });

  it('shows support the open queue and marks an item replied when support answers', async () => {
    const { body: item } = await submit(alice, { kind: 'suggestion', content: 'Add a canopy' }).expect(201);
    const queue = await t.http.get('/api/v1/admin/feedback?status=open').set('Authorization', support).expect(200);
    expect(queue.body.feedback.map((f: { id: string }) => f.id)).toContain(item.id);

    await t.http.post(`/api/v1/admin/feedback/${item.id}/replies`).set('Authorization', support).send({ content: 'Thanks, planned for June' }).expect(201);
    const { body } = await t.http.get(`/api/v1/feedback/${item.id}`).set('Authorization', alice).expect(200);
    expect(body.status).toBe('replied');
    expect(body.replies).toEqual([expect.objectContaining({ from: 'support', content: 'Thanks, planned for June' })]);
  });

  it("reopens an item when the driver follows up on support's reply, and closes it on request", async () => {
    const { body: item } = await submit(alice).expect(201);
    await t.http.post(`/api/v1/admin/feedback/${item.id}/replies`).set('Authorization', support).send({ content: 'Which pile?' }).expect(201);
    const followUp = await t.http.post(`/api/v1/feedback/${item.id}/replies`).set('Authorization', alice).send({ content: 'Pile 3' }).expect(201);
    expect(followUp.body.status).toBe('open');
    expect(followUp.body.replies.map((r: { from: string }) => r.from)).toEqual(['support', 'driver']);
    const closed = await t.http.post(`/api/v1/feedback/${item.id}/close`).set('Authorization', alice).expect(200);
    expect(closed.body.status).toBe('closed');
  });

  it("hides one driver's feedback from another", async () => {
    const { body: item } = await submit(alice).expect(201);
    await t.http.get(`/api/v1/feedback/${item.id}`).set('Authorization', bob).expect(404);
    await t.http.post(`/api/v1/feedback/${item.id}/replies`).set('Authorization', bob).send({ content: 'me too' }).expect(404);
    await t.http.post(`/api/v1/feedback/${item.id}/close`).set('Authorization', bob).expect(404);
    const bobs = await t.http.get('/api/v1/feedback').set('Authorization', bob);
    expect(bobs.body.feedback.map((f: { id: string }) => f.id)).not.toContain(item.id);
  });

  it("refuses a complaint about another driver's session", async () => {
    const { stationId, pileIds } = await aStation(t);
    const { userId } = await t.login('fb-carol');
    const session = await aSession(t, { userId, stationId, pileId: pileIds[0] });
    const { body } = await submit(alice, { sessionId: session.id }).expect(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', field: 'sessionId' });
  });

  it.each([
    ['kind', { kind: 'praise' }],
    ['content', { content: '   ' }],
    ['content', { content: 'x'.repeat(1001) }],
  ])('answers 400 naming %s when it is invalid', async (field, overrides) => {
    const { body } = await submit(alice, overrides).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it.each([
    ['a driver', () => alice],
    ['an operator', () => operator],
  ])("keeps support's queue and replies from %s", async (_who, token) => {
    const { body: item } = await submit(alice).expect(201);
    await t.http.get('/api/v1/admin/feedback').set('Authorization', token()).expect(403);
    await t.http.post(`/api/v1/admin/feedback/${item.id}/replies`).set('Authorization', token()).send({ content: 'hi' }).expect(403);
  });
});
