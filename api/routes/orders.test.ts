import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSession, aStation } from '../../test/support/driver-data';

describe('orders', () => {
  let t: TestApi;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let place: { stationId: string; pileId: string };
  const as = (who: { token: string }) => `Bearer ${who.token}`;

  beforeAll(async () => {
    t = await startTestApi();
    alice = await t.login('order-alice');
    bob = await t.login('order-bob');
    const { stationId, pileIds } = await aStation(t, { name: 'Riverside' });
    place = { stationId, pileId: pileIds[0] };
  });
  afterAll(() => t.stop());

  it('lists billed sessions only, newest first, paged with before', async () => {
    const driver = await t.login('order-pager');
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    const old = await aSession(t, { userId: driver.userId, ...place }, { createdAt: at(30) });
    const failed = await aSession(t, { userId: driver.userId, ...place }, { status: 'SETTLEMENT_FAILED', createdAt: at(20) });
    await aSession(t, { userId: driver.userId, ...place }, { status: 'CANCELLED', createdAt: at(15) });
    const recent = await aSession(t, { userId: driver.userId, ...place }, { createdAt: at(10) });

    const first = await t.http.get('/api/v1/orders?limit=2').set('Authorization', as(driver)).expect(200);
    expect(first.body.orders.map((o: { id: string }) => o.id)).toEqual([recent.id, failed.id]);
    const second = await t.http.get(`/api/v1/orders?limit=2&before=${encodeURIComponent(first.body.nextBefore)}`).set('Authorization', as(driver)).expect(200);
    expect(second.body.orders.map((o: { id: string }) => o.id)).toEqual([old.id]);
    expect(second.body.nextBefore).toBeNull();
  });

  it('shows what was paid and refunded, and nothing paid while the payment is pending', async () => {
    const paid = await aSession(t, { userId: alice.userId, ...place });
    const pending = await aSession(t, { userId: alice.userId, ...place }, { status: 'SETTLEMENT_FAILED' });
    const { body } = await t.http.get('/api/v1/orders').set('Authorization', as(alice)).expect(200);
    const byId = Object.fromEntries(body.orders.map((o: { id: string }) => [o.id, o]));
    expect(byId[paid.id]).toMatchObject({
      status: 'paid',
      station: { id: place.stationId, name: 'Riverside' },
      pile: { code: place.pileId },
      totalFen: paid.bill!.totalFen,
      paidFen: paid.bill!.capturedFen,
      refundFen: paid.bill!.releasedFen,
    });
    expect(byId[pending.id]).toMatchObject({ status: 'payment_pending', paidFen: 0, refundFen: 0 });
  });

  it("shows an order's bill by tariff band, its timeline and my review of it", async () => {
    const session = await aSession(t, { userId: alice.userId, ...place }, { energyWh: 20_000 });
    await t.http.post('/api/v1/reviews').set('Authorization', as(alice)).send({ sessionId: session.id, stars: 5 }).expect(201);
    const { body } = await t.http.get(`/api/v1/orders/${session.id}`).set('Authorization', as(alice)).expect(200);
    expect(body.bill.lines).toEqual([expect.objectContaining({ band: 'peak', energyWh: 20_000 })]);
    expect(body.bill).toMatchObject({ electricityFen: expect.any(Number), serviceFen: expect.any(Number), idleFeeFen: 0 });
    expect(body.timeline.map((e: { to: string }) => e.to)).toEqual(['AUTHORIZING', 'COMPLETED']);
    expect(body.review).toMatchObject({ stars: 5 });
  });

  it("treats another driver's order as not found", async () => {
    const session = await aSession(t, { userId: alice.userId, ...place });
    await t.http.get(`/api/v1/orders/${session.id}`).set('Authorization', as(bob)).expect(404);
    const bobs = await t.http.get('/api/v1/orders').set('Authorization', as(bob)).expect(200);
    expect(bobs.body.orders).toEqual([]);
  });

  it('answers 400 naming before when it is not a date', async () => {
    const { body } = await t.http.get('/api/v1/orders?before=yesterday').set('Authorization', as(alice)).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'before' });
  });
});
