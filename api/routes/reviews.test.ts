import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSession, aStation } from '../../test/support/driver-data';

describe('reviews of completed sessions', () => {
  let t: TestApi;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let place: { stationId: string; pileId: string };
  const as = (who: { token: string }) => `Bearer ${who.token}`;
  const aliceSession = (status: 'COMPLETED' | 'CHARGING' = 'COMPLETED') => aSession(t, { userId: alice.userId, ...place }, { status });

  beforeAll(async () => {
    t = await startTestApi();
    alice = await t.login('Alice Review');
    bob = await t.login('Bob Review');
    const { stationId, pileIds } = await aStation(t);
    place = { stationId, pileId: pileIds[0] };
  });
  afterAll(() => t.stop());

  it('reviews a completed session and lists it among my reviews', async () => {
    const session = await aliceSession();
    const { body } = await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, stars: 4, text: 'Fast and clean' }).expect(201);
    expect(body).toMatchObject({ sessionId: session.id, stationId: place.stationId, stars: 4, text: 'Fast and clean' });
    const mine = await t.http.get('/api/v1/reviews').set('Authorization', as(alice)).expect(200);
    expect(mine.body.reviews.map((r: { id: string }) => r.id)).toContain(body.id);
  });

  it('takes one review per session', async () => {
    const session = await aliceSession();
    await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, stars: 5 }).expect(201);
    const { body } = await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, stars: 1 }).expect(409);
    expect(body.error.code).toBe('SESSION_STATE_CONFLICT');
  });

  it('refuses a review of a session that has not completed', async () => {
    const session = await aliceSession('CHARGING');
    const { body } = await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, stars: 3 }).expect(409);
    expect(body.error.code).toBe('SESSION_STATE_CONFLICT');
  });

  it("refuses a review of another driver's session as if it did not exist", async () => {
    const session = await aliceSession();
    const { body } = await t.http.post('/api/v1/reviews').set('Authorization', as(bob)).send({ sessionId: session.id, stars: 1 }).expect(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', field: 'sessionId' });
  });

  it.each([
    ['stars', { stars: 6 }],
    ['stars', { stars: 2.5 }],
    ['text', { stars: 3, text: 'x'.repeat(501) }],
    ['sessionId', { stars: 3, sessionId: undefined }],
  ])('answers 400 naming %s when it is invalid', async (field, overrides) => {
    const session = await aliceSession();
    const { body } = await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, ...overrides }).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('edits and deletes my review, but not for another driver', async () => {
    const session = await aliceSession();
    const { body: review } = await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, stars: 2 }).expect(201);
    await t.http.patch(`/api/v1/reviews/${review.id}`).set('Authorization', as(bob)).send({ stars: 1 }).expect(404);
    await t.http.delete(`/api/v1/reviews/${review.id}`).set('Authorization', as(bob)).expect(404);
    const edited = await t.http.patch(`/api/v1/reviews/${review.id}`).set('Authorization', as(alice)).send({ stars: 5, text: 'Better on a second look' }).expect(200);
    expect(edited.body).toMatchObject({ stars: 5, text: 'Better on a second look' });
    await t.http.delete(`/api/v1/reviews/${review.id}`).set('Authorization', as(alice)).expect(204);
  });

  it("shows a station's average stars and recent reviews to anyone, with the author's name masked", async () => {
    const { stationId, pileIds } = await aStation(t);
    for (const [who, stars] of [[alice, 5], [bob, 2]] as const) {
      const session = await aSession(t, { userId: who.userId, stationId, pileId: pileIds[0] });
      await t.http.post('/api/v1/reviews').set('Authorization', as(who)).send({ sessionId: session.id, stars, text: `${stars} stars` }).expect(201);
    }
    const { body } = await t.http.get(`/api/v1/stations/${stationId}/reviews`).expect(200);
    expect(body).toMatchObject({ stationId, count: 2, averageStars: 3.5 });
    expect(body.reviews.map((r: { author: string }) => r.author).sort()).toEqual(['A**', 'B**']);
    expect(JSON.stringify(body)).not.toContain(alice.userId);
  });

  it('answers an unreviewed station with no average', async () => {
    const { stationId } = await aStation(t);
    const { body } = await t.http.get(`/api/v1/stations/${stationId}/reviews`).expect(200);
    expect(body).toEqual({ stationId, count: 0, averageStars: null, reviews: [] });
  });
});
