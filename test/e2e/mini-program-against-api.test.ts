import { randomUUID } from 'node:crypto';
import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';
import { wxOverNetwork } from '../support/wx-over-network';

/**
 * The mini-program's own services, presenters and live channel (the code its pages call) against the running
 * system on real services, over HTTP and WebSocket as a phone reaches it: the pages' tests pin their
 * rendering on recorded answers, this pins that the real API gives those answers.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const mp = (path: string) => require(`../../mini-program/${path}`);
const config = mp('config/index');
const { fetchNearbyStations } = mp('services/station/fetchNearbyStations');
const { fetchPile } = mp('services/station/fetchPile');
const { createTopUp } = mp('services/wallet/createTopUp');
const { fetchWallet } = mp('services/wallet/fetchWallet');
const { requestSession } = mp('services/session/requestSession');
const { fetchSession } = mp('services/session/fetchSession');
const { stopSession } = mp('services/session/stopSession');
const { fetchOrders } = mp('services/order/fetchOrders');
const { fetchOrder } = mp('services/order/fetchOrder');
const { createReview } = mp('services/review/createReview');
const { addVehicle } = mp('services/vehicle/addVehicle');
const { fetchVehicles } = mp('services/vehicle/fetchVehicles');
const { addFavourite } = mp('services/favourite/addFavourite');
const { fetchFavourites } = mp('services/favourite/fetchFavourites');
const { openLiveChannel } = mp('utils/live-channel');
const { presentStation } = mp('presenters/station');
const { presentCharging, applyLiveMessage } = mp('presenters/session');
const { presentBill } = mp('presenters/bill');
const { presentOrder } = mp('presenters/order');
const { yuan } = mp('utils/money');

describe('the mini-program against the running system', () => {
  let t: TestSystem;
  let pileCode: string;
  let sessionId: string;

  beforeAll(async () => {
    t = await startTestSystem('real services', { SIM_PILES: '2', SIM_TELEMETRY_INTERVAL_MS: '200', CHECKPOINT_INTERVAL_SECONDS: '1' });
    (global as { wx?: unknown }).wx = wxOverNetwork();
    config.apiBaseUrl = t.api;
    config.socketUrl = `${t.api.replace(/^http/, 'ws')}/ws`;
    pileCode = t.takePile('fast');
    await eventually(() => fetchPile(pileCode), (found: any) => found.pile.status === 'idle');
  }, 120_000);

  afterAll(async () => {
    delete (global as { wx?: unknown }).wx;
    await t?.stop();
  });

  it('finds the station near the pile with its piles, the price in force and the distance, as the Find page shows it', async () => {
    const { station } = await fetchPile(pileCode);
    const stations = await fetchNearbyStations({ lat: station.location.lat + 0.001, lng: station.location.lng, radiusKm: 5 });
    const card = presentStation(stations.find((s: any) => s.id === station.id));
    expect(card).toMatchObject({ name: station.name, availability: 'available', total: 2 });
    expect(card.distanceText).toMatch(/\d/);
    expect(card.priceText).toMatch(/^\d+\.\d\d$/);
  });

  it('tops up, starts on the scanned pile, follows progress over the socket, stops and gets the bill', async () => {
    expect(await createTopUp(3000, randomUUID())).toMatchObject({ paid: true });
    const started = await requestSession({ pileCode, limits: {} }, randomUUID());
    sessionId = started.sessionId;

    const live: any[] = [];
    const channel = openLiveChannel({ target: { sessionId }, onMessage: (m: any) => live.push(m), onFallback: () => undefined });
    try {
      await eventually(async () => live, (messages) => messages.some((m) => m.type === 'session.progress' && m.energyWh > 0), 20_000);
      let screen = await fetchSession(sessionId);
      for (const message of live) screen = applyLiveMessage(screen, message);
      expect(presentCharging(screen, Date.now())).toMatchObject({ status: 'CHARGING', canStop: true });

      await stopSession(sessionId);
      const done = await eventually(() => fetchSession(sessionId), (s: any) => s.status === 'COMPLETED', 30_000);
      expect(presentBill(done.bill).paid).toBe(yuan(done.bill.totalFen));
      expect(await fetchWallet()).toEqual({ balanceFen: 3000 - done.bill.capturedFen, heldFen: 0 });
    } finally {
      channel.close();
    }
  }, 60_000);

  it('lists the charge in Orders with its bill, and takes a review of it', async () => {
    const { orders } = await fetchOrders();
    const order = await fetchOrder(sessionId);
    expect(presentOrder(orders.find((o: any) => o.id === sessionId))).toMatchObject({ status: 'paid', total: yuan(order.bill.totalFen) });
    expect(presentBill(order.bill).lines.length).toBeGreaterThan(0);
    await createReview({ sessionId, stars: 5, text: 'fast and cheap' });
    expect((await fetchOrder(sessionId)).review).toMatchObject({ stars: 5 });
  });

  it('keeps the driver’s vehicle and favourite station', async () => {
    const { station } = await fetchPile(pileCode);
    await addVehicle({ plate: '沪A12345', model: 'BYD Han', connectorType: 'GB/T' });
    await addFavourite(station.id);
    expect((await fetchVehicles()).vehicles).toEqual(expect.arrayContaining([expect.objectContaining({ plate: '沪A12345' })]));
    expect((await fetchFavourites()).map((s: any) => s.id)).toContain(station.id);
  });

  it('gets the API’s error, code and message, for a pile code that does not exist', async () => {
    await expect(fetchPile('no-such-pile')).rejects.toMatchObject({ name: 'ApiError', status: 404, code: 'NOT_FOUND' });
  });
});
