import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aStation } from '../../test/support/driver-data';

describe('favourite stations', () => {
  let t: TestApi;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await startTestApi();
    alice = `Bearer ${(await t.login('fav-alice')).token}`;
    bob = `Bearer ${(await t.login('fav-bob')).token}`;
  });
  afterAll(() => t.stop());

  it('lists a favourite station with its live pile status and the price in force now', async () => {
    const { stationId } = await aStation(t, { piles: [{ type: 'fast', status: 'idle' }, { type: 'slow', status: 'charging' }] });
    await t.http.put(`/api/v1/favourites/${stationId}`).set('Authorization', alice).expect(200, { stationId, favourite: true });

    const { body } = await t.http.get('/api/v1/favourites').set('Authorization', alice).expect(200);
    const station = body.stations.find((s: { id: string }) => s.id === stationId);
    expect(station.summary).toEqual({ total: 2, idle: 1, fast: { total: 1, idle: 1 }, slow: { total: 1, idle: 0 } });
    expect(station.price).toMatchObject({ band: expect.any(String), totalFenPerKwh: expect.any(Number) });
  });

  it('keeps one favourite when the same station is added twice', async () => {
    const { stationId } = await aStation(t);
    await t.http.put(`/api/v1/favourites/${stationId}`).set('Authorization', alice).expect(200);
    await t.http.put(`/api/v1/favourites/${stationId}`).set('Authorization', alice).expect(200);
    const { body } = await t.http.get('/api/v1/favourites').set('Authorization', alice);
    expect(body.stations.filter((s: { id: string }) => s.id === stationId)).toHaveLength(1);
  });

  it('drops a removed favourite from the list', async () => {
    const { stationId } = await aStation(t);
    await t.http.put(`/api/v1/favourites/${stationId}`).set('Authorization', alice).expect(200);
    await t.http.delete(`/api/v1/favourites/${stationId}`).set('Authorization', alice).expect(204);
    const { body } = await t.http.get('/api/v1/favourites').set('Authorization', alice);
    expect(body.stations.map((s: { id: string }) => s.id)).not.toContain(stationId);
  });

  it('answers 404 for a station that does not exist', async () => {
    const { body } = await t.http.put('/api/v1/favourites/no-such-station').set('Authorization', alice).expect(404);
    expect(body.error.code).toBe('NOT_FOUND');
  });

  it("does not show one driver's favourites to another, nor let them remove it", async () => {
    const { stationId } = await aStation(t);
    await t.http.put(`/api/v1/favourites/${stationId}`).set('Authorization', alice).expect(200);
    await t.http.delete(`/api/v1/favourites/${stationId}`).set('Authorization', bob).expect(204);
    const bobs = await t.http.get('/api/v1/favourites').set('Authorization', bob);
    expect(bobs.body.stations.map((s: { id: string }) => s.id)).not.toContain(stationId);
    const alices = await t.http.get('/api/v1/favourites').set('Authorization', alice);
    expect(alices.body.stations.map((s: { id: string }) => s.id)).toContain(stationId);
  });

  it('needs a signed-in driver', async () => {
    const { body } = await t.http.get('/api/v1/favourites').expect(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
  });
});
