import { randomUUID } from 'node:crypto';
import { aTariff } from '../test/support/builders';
import { type GatewayFixture, gatewayFixture } from '../test/support/gateway-harness';
import { PilePresence } from './presence';
import { pileTopics, type UplinkKind } from '../device-protocol/topics';
import { routeMessage } from './routing';

let f: GatewayFixture;
let presence: PilePresence;
let sessionPile: string;
let otherPile: string;
let sessionId: string;
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

beforeEach(async () => {
  f = await gatewayFixture({ pileCount: 2 });
  presence = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
  [sessionPile, otherPile] = f.pileIds;
  sessionId = randomUUID();
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId: sessionPile, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
}, 60_000);

afterEach(async () => {
  await f.close();
});

const send = (pileId: string, kind: UplinkKind, body: object) =>
  routeMessage(f.ctx, presence, pileTopics().uplink(pileId, kind), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: T0, ...body })));
const rejections = async () => (await f.metrics.getSingleMetric('evcp_gateway_messages_rejected_total')!.get()).values.map((v) => [v.labels.reason, v.value]);

/** Each uplink message that names a session, built for the session of the test. */
const ABOUT_THE_SESSION: [string, UplinkKind, (sessionId: string) => object][] = [
  ['a sessionStarted event', 'event', (id) => ({ event: 'sessionStarted', sessionId: id, meterStartWh: 1000 })],
  ['a sessionStopped event', 'event', (id) => ({ event: 'sessionStopped', sessionId: id, meterStopWh: 1000, reason: 'remote' })],
  ['a fault naming the session', 'event', (id) => ({ event: 'fault', code: 'OVER_TEMPERATURE', sessionId: id, meterWh: 1000 })],
  ['a refusing ack of its start command', 'ack', (id) => ({ commandId: `${id}:start`, sessionId: id, nonce: 'n'.repeat(36), accepted: false, reason: 'refused' })],
];

describe('messages about a session', () => {
  it.each(ABOUT_THE_SESSION)('count %s only from the session’s own pile: from another pile it is rejected and counted', async (_, kind, body) => {
    await send(otherPile, kind, body(sessionId));
    expect(f.signals.sent).toEqual([]);
    expect(await rejections()).toEqual([['foreign_session', 1]]);
  });

  it.each(ABOUT_THE_SESSION)('relay %s from the session’s own pile', async (_, kind, body) => {
    expect(await send(sessionPile, kind, body(sessionId))).toBe('handled');
    expect(f.signals.sent.map((s) => s.sessionId)).toEqual([sessionId]);
    expect(await rejections()).toEqual([]);
  });

  it('reject and count an ack naming a session the platform does not know', async () => {
    const unknown = randomUUID();
    await send(sessionPile, 'ack', { commandId: `${unknown}:start`, sessionId: unknown, accepted: true });
    expect(f.signals.sent).toEqual([]);
    expect(await rejections()).toEqual([['unknown_session', 1]]);
  });

  it('hand the ack’s nonce to the session, which counts only the ack of the command it signed', async () => {
    await send(sessionPile, 'ack', { commandId: `${sessionId}:start`, sessionId, nonce: 'n'.repeat(36), accepted: true });
    expect(f.signals.named('pileAcknowledged').map((s) => s.payload)).toEqual([{ commandId: `${sessionId}:start`, nonce: 'n'.repeat(36), accepted: true }]);
  });

  it('still raise the alarm of a pile whose fault names another pile’s session', async () => {
    await send(otherPile, 'event', { event: 'fault', code: 'OVER_TEMPERATURE', sessionId });
    expect((await f.alarms(otherPile)).map((a) => [a.kind, a.code])).toEqual([['fault', 'OVER_TEMPERATURE']]);
    expect(f.signals.sent).toEqual([]);
  });
});
