import { type FakeSms, startFakeSms } from '../support/fake-sms';
import { startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * The whole platform on real services: a simulated pile faults and clears a hundred times in a few seconds; the real
 * gateway folds every raise into one alarm, whose workflow sends the person on call exactly one SMS.
 */
describe('a flapping pile', () => {
  let t: TestSystem;
  let sms: FakeSms;

  beforeAll(async () => {
    sms = await startFakeSms();
    t = await startTestSystem('real services', { ...sms.env, AUTH_DEV_LOGIN: 'true', AUTH_DEV_LOGIN_STAFF: 'true' });
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
    await sms?.close();
  });

  it('raises one alarm and sends one SMS however often it faults and clears', async () => {
    const admin = await t.login('on-call-admin', 'admin');
    const me = (await t.call('GET', '/api/v1/me', { token: admin })).body;
    const adminId: string = me.user?.id ?? me.id;
    expect((await t.call('PATCH', `/api/v1/admin/staff/${adminId}`, { token: admin, body: { phone: '+8613800000042', reason: 'on call tonight' } })).status).toBe(200);
    expect((await t.call('PUT', `/api/v1/admin/stations/${t.stationId}/on-call`, { token: admin, body: { staffIds: [adminId] } })).status).toBe(200);

    const pileId = t.takePile('fast');
    const pile = t.system.fleet!.pile(pileId);
    for (let i = 0; i < 100; i++) {
      pile.fault('GROUND_FAULT');
      pile.clearFault();
    }
    pile.fault('GROUND_FAULT');

    const alarmsOfPile = async () => {
      const lists = await Promise.all(['open', 'acknowledged', 'resolved'].map((state) => t.call('GET', `/api/v1/admin/alarms?pile=${pileId}&state=${state}`, { token: admin })));
      return lists.flatMap((l) => l.body.alarms as { id: number; occurrences: number; kind: string }[]);
    };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const alarms = await alarmsOfPile();
      if (alarms.length && alarms[0].occurrences >= 100 && sms.sent.length >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Time for any second alarm or SMS to show itself.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const alarms = await alarmsOfPile();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ kind: 'fault', state: 'open' });
    expect(alarms[0].occurrences).toBeGreaterThanOrEqual(100);
    expect(sms.sent).toEqual([expect.objectContaining({ phone: '+8613800000042', params: [pileId.slice(0, 20), 'fault', 'GROUND_FAULT'] })]);
  }, 120_000);
});
