import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSession, aStation } from '../../test/support/driver-data';
import { ISO_8601 } from '../../test/support/builders';

describe('the signed-in driver', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.stop());

  it('shows my profile', async () => {
    const { token, userId } = await t.login('me-alice');
    const { body } = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(body).toMatchObject({ id: userId, name: 'me-alice', role: 'driver', wechatLinked: false });
  });

  it('renames me and hands back a token carrying the new name', async () => {
    const { token } = await t.login('me-bob');
    const { body } = await t.http.patch('/api/v1/me').set('Authorization', `Bearer ${token}`).send({ name: '  Bob Li ' }).expect(200);
    expect(body.user.name).toBe('Bob Li');
    expect(t.deps.tokens.verify(body.token).name).toBe('Bob Li');
  });

  it('renames a staff member and hands back a staff token that still works', async () => {
    const { token } = await t.staffLogin('me-olga', 'operator');
    const { body } = await t.http.patch('/api/v1/me').set('Authorization', `Bearer ${token}`).send({ name: 'Olga Wang' }).expect(200);
    expect(t.deps.tokens.verify(body.token)).toMatchObject({ name: 'Olga Wang', role: 'operator' });
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${body.token}`).expect(200);
  });

  it('answers 400 naming name when it is empty', async () => {
    const { token } = await t.login('me-carol');
    const { body } = await t.http.patch('/api/v1/me').set('Authorization', `Bearer ${token}`).send({ name: '' }).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
  });

  it('lists my reservations and charging sessions that are still going on, with station and pile, and no one else\'s', async () => {
    const alice = await t.login('me-dan');
    const bob = await t.login('me-erin');
    const { stationId, pileIds } = await aStation(t, { name: 'Harbour', piles: [{ type: 'fast' }, { type: 'slow' }] });
    const reserved = await aSession(t, { userId: alice.userId, stationId, pileId: pileIds[0] }, { status: 'RESERVED' });
    await aSession(t, { userId: alice.userId, stationId, pileId: pileIds[1] }, { status: 'COMPLETED' });
    await aSession(t, { userId: bob.userId, stationId, pileId: pileIds[1] }, { status: 'CHARGING' });

    const { body } = await t.http.get('/api/v1/me/active-sessions').set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(body.sessions).toEqual([
      expect.objectContaining({ sessionId: reserved.id, status: 'RESERVED', reservedUntil: expect.stringMatching(ISO_8601), station: expect.objectContaining({ name: 'Harbour' }), pile: expect.objectContaining({ code: pileIds[0] }) }),
    ]);
  });
});
