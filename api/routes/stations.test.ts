import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aStation } from '../../test/support/driver-data';

/** The nearby search of the Find page, on Redis GEOSEARCH (the in-memory hot store has its own scan). */
describe('nearby stations', () => {
  let t: TestApi;
  const center = { lat: 31.2304, lng: 121.4737 };
  let near: string;
  let across: string;
  let slowOnly: string;
  let busy: string;

  beforeAll(async () => {
    t = await startTestApi();
    near = (await aStation(t, { lat: center.lat + 0.0027, lng: center.lng, piles: [{ type: 'fast', status: 'idle' }] })).stationId;
    across = (await aStation(t, { lat: center.lat, lng: center.lng + 0.021, piles: [{ type: 'fast', status: 'charging' }, { type: 'slow', status: 'idle' }] })).stationId;
    slowOnly = (await aStation(t, { lat: center.lat - 0.01, lng: center.lng, piles: [{ type: 'slow', status: 'idle' }] })).stationId;
    busy = (await aStation(t, { lat: center.lat, lng: center.lng - 0.03, piles: [{ type: 'fast', status: 'fault' }] })).stationId;
    await aStation(t, { lat: center.lat + 0.27, lng: center.lng, piles: [{ type: 'fast', status: 'idle' }] });
    await t.deps.stations.refresh();
  });
  afterAll(() => t.stop());

  const search = (query: string) => t.http.get(`/api/v1/stations?lat=${center.lat}&lng=${center.lng}&${query}`);
  const ids = (body: { stations: { id: string }[] }) => body.stations.map((s) => s.id);

  it('finds the stations within the radius, nearest first, with their distance', async () => {
    const { body } = await search('radiusKm=10').expect(200);
    expect(ids(body)).toEqual([near, slowOnly, across, busy]);
    expect(body.stations[0].distanceM).toBeGreaterThan(280);
    expect(body.stations[0].distanceM).toBeLessThan(320);
    expect(body.stations[2].distanceM).toBeGreaterThan(1900);
    expect(body.stations[2].distanceM).toBeLessThan(2100);
  });

  it('leaves out stations beyond the radius', async () => {
    const { body } = await search('radiusKm=1').expect(200);
    expect(ids(body)).toEqual([near]);
  });

  it('keeps only stations with fast piles, and only their fast piles, when asked for fast', async () => {
    const { body } = await search('radiusKm=10&type=fast').expect(200);
    expect(ids(body)).toEqual([near, across, busy]);
    expect(body.stations[1].piles.map((p: { type: string }) => p.type)).toEqual(['fast']);
  });

  it('keeps only stations with an idle pile now when asked for available ones', async () => {
    const { body } = await search('radiusKm=10&available=true').expect(200);
    expect(ids(body)).toEqual([near, slowOnly, across]);
  });

  it('combines the filters: a fast pile that is idle now', async () => {
    const { body } = await search('radiusKm=10&type=fast&available=true').expect(200);
    expect(ids(body)).toEqual([near]);
  });

  it('gives what the Find page shows: idle and total piles, the price in force and the position', async () => {
    const { body } = await search('radiusKm=10').expect(200);
    const station = body.stations.find((s: { id: string }) => s.id === across);
    expect(station.summary).toEqual({ total: 2, idle: 1, fast: { total: 1, idle: 0 }, slow: { total: 1, idle: 1 } });
    expect(station.price).toEqual({
      band: expect.any(String),
      electricityFenPerKwh: expect.any(Number),
      serviceFenPerKwh: expect.any(Number),
      totalFenPerKwh: station.price.electricityFenPerKwh + station.price.serviceFenPerKwh,
      validUntil: expect.any(String),
    });
    expect(station.location).toEqual({ lat: expect.any(Number), lng: expect.any(Number) });
  });

  it.each([
    ['lat', 'lng=121.47'],
    ['lat', 'lat=91&lng=121.47'],
    ['radiusKm', 'lat=31.2&lng=121.47&radiusKm=500'],
    ['type', 'lat=31.2&lng=121.47&type=turbo'],
  ])('answers 400 naming %s when the query is invalid', async (field, query) => {
    const { body } = await t.http.get(`/api/v1/stations?${query}`).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});
