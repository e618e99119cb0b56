import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { PilePresence } from '../../device-gateway/presence';
import { PILE_STATES, STOP_REASONS } from '../../device-protocol/messages';
import { pileTopics, UPLINK_KINDS, type UplinkKind } from '../../device-protocol/topics';
import { routeMessage } from '../../device-gateway/routing';
import { aTariff } from '../support/builders';
import { type GatewayFixture, gatewayFixture } from '../support/gateway-harness';

/**
 * Generated hostile MQTT input (more than 10,000 messages a run) through the gateway's router, on real Redis and
 * MariaDB: whatever arrives, the gateway never throws, rejects and counts every bad message, and no session hears
 * of it. Messages a broker would not even let through (other topics, binary, megabytes) are included: the router
 * must hold on its own.
 */
const topics = pileTopics();
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

let f: GatewayFixture;
let presence: PilePresence;
let victimPile: string;
let attackerPile: string;
let victimSession: string;

beforeAll(async () => {
  f = await gatewayFixture({ pileCount: 2 });
  presence = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
  [victimPile, attackerPile] = f.pileIds;
  victimSession = randomUUID();
  await f.live.sessionOpened({ sessionId: victimSession, userId: 'u1', pileId: victimPile, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
  const started = { v: 1, msgId: randomUUID(), ts: T0, event: 'sessionStarted', sessionId: victimSession, meterStartWh: 10_000 };
  expect(await routeMessage(f.ctx, presence, topics.uplink(victimPile, 'event'), Buffer.from(JSON.stringify(started)))).toBe('handled');
}, 60_000);

afterAll(() => f.close());

const rejectedCount = async () => (await f.metrics.getSingleMetric('evcp_gateway_messages_rejected_total')!.get()).values.reduce((sum, v) => sum + v.value, 0);

// ---- arbitraries -------------------------------------------------------------------------------------------

const int = (min: number, max: number) => fc.integer({ min, max });
const text = (maxLength: number) => fc.string({ minLength: 1, maxLength });

/** A message that passes the schema of its kind, naming `sessionId` where the kind carries one. */
function validBody(kind: UplinkKind, sessionId: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  const envelope = { v: fc.constant(1), msgId: fc.uuid(), ts: int(T0, T0 + 86_400_000) };
  switch (kind) {
    case 'status':
      return fc.record({ ...envelope, state: fc.constantFrom(...PILE_STATES), connectedAt: int(T0, T0 + 86_400_000) });
    case 'heartbeat':
      return fc.record(envelope);
    case 'telemetry':
      return fc.record({
        ...envelope,
        sessionId,
        voltageV: fc.double({ min: 0, max: 2000, noNaN: true }),
        currentA: fc.double({ min: 0, max: 1000, noNaN: true }),
        powerW: int(0, 1_000_000),
        energyRegisterWh: fc.nat(),
        temperatureC: fc.double({ min: -60, max: 200, noNaN: true }),
      });
    case 'event':
      return fc.oneof(
        fc.record({ ...envelope, event: fc.constant('sessionStarted'), sessionId, meterStartWh: fc.nat() }),
        fc.record({ ...envelope, event: fc.constant('sessionStopped'), sessionId, meterStopWh: fc.nat(), reason: fc.constantFrom(...STOP_REASONS) }),
        fc.record({ ...envelope, event: fc.constant('fault'), code: text(64), sessionId, meterWh: fc.nat() }),
      );
    case 'ack':
      return fc.record({ ...envelope, commandId: text(64), accepted: fc.boolean(), sessionId, nonce: fc.string({ minLength: 16, maxLength: 64 }) });
  }
}

const anyValid = (sessionId: fc.Arbitrary<string>) =>
  fc.constantFrom(...UPLINK_KINDS).chain((kind) => validBody(kind, sessionId).map((body) => ({ kind, body })));

/** Values no field of the protocol accepts: objects, arrays, null. */
const wrongValue = fc.oneof(fc.object({ maxDepth: 2 }), fc.array(fc.anything(), { maxLength: 5 }), fc.constant(null));

/** A message of the right kind with one field made wrong: a wrong type, or an envelope value out of range. */
const wrongTyped = anyValid(fc.uuid()).chain(({ kind, body }) =>
  fc
    .oneof(
      fc.tuple(fc.constantFrom(...Object.keys(body).filter((key) => key !== 'sessionId')), wrongValue),
      fc.tuple(fc.constant('v'), fc.oneof(fc.integer().filter((v) => v !== 1), fc.string())),
      fc.tuple(fc.constant('msgId'), fc.oneof(fc.constant(''), fc.string({ minLength: 65, maxLength: 200 }), fc.integer())),
      fc.tuple(fc.constant('ts'), fc.oneof(fc.double({ noInteger: true }), fc.integer({ max: 0 }), fc.string())),
    )
    .map(([field, value]) => ({ kind, payload: Buffer.from(JSON.stringify({ ...body, [field]: value })) })),
);

const hostilePayload: fc.Arbitrary<{ kind: UplinkKind; payload: Buffer }> = fc.oneof(
  { weight: 4, arbitrary: wrongTyped },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom(...UPLINK_KINDS), payload: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom(...UPLINK_KINDS), payload: fc.json({ maxDepth: 3 }).map((json) => Buffer.from(json)) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom(...UPLINK_KINDS),
      payload: fc.oneof(
        int(65_536, 1_048_576).map((size) => Buffer.from(JSON.stringify({ v: 1, msgId: 'm'.repeat(size), ts: T0 }))),
        int(1000, 100_000).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
        int(1000, 1_000_000).map((size) => Buffer.alloc(size, 0xff)),
      ),
    }),
  },
);

/** Topics that are not a pile's uplink: random text, other prefixes, versions, commands, extra levels, wildcards. */
const hostileTopic = (pileId: string) =>
  fc
    .oneof(
      fc.string({ maxLength: 200 }),
      fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 8 }).map((levels) => levels.join('/')),
      fc.constantFrom(...UPLINK_KINDS).map((kind) => `other/v1/piles/${pileId}/${kind}`),
      fc.constantFrom(...UPLINK_KINDS).map((kind) => `evcp/v2/piles/${pileId}/${kind}`),
      fc.constant(topics.command(pileId)),
      fc.constantFrom(...UPLINK_KINDS).map((kind) => `${topics.uplink(pileId, kind)}/extra`),
      fc.constantFrom('+', '#', '$SYS', '', ' ', '..').map((pile) => `${topics.root}/${pile}/status`),
    )
    .filter((topic) => topics.parseUplink(topic) === undefined);

/** Pile ids the platform has never registered. */
const unknownPileId = fc.stringMatching(/^[A-Za-z0-9_-]{1,58}$/).map((id) => `ghost-${id}`);

// ---- properties ----------------------------------------------------------------------------------------------

async function expectEveryMessageRejected(runs: number, message: fc.Arbitrary<{ topic: string; payload: Buffer }>): Promise<void> {
  const before = await rejectedCount();
  const signalsBefore = f.signals.sent.length;
  await fc.assert(
    fc.asyncProperty(message, async ({ topic, payload }) => {
      expect(await routeMessage(f.ctx, presence, topic, payload)).toBe('rejected');
    }),
    { numRuns: runs },
  );
  expect((await rejectedCount()) - before).toBe(runs);
  expect(f.signals.sent.slice(signalsBefore)).toEqual([]);
}

describe('hostile MQTT input at the gateway', () => {
  it('rejects and counts messages on topics that are not a pile uplink', async () => {
    await expectEveryMessageRejected(
      2500,
      fc.record({ topic: hostileTopic(attackerPile), payload: anyValid(fc.uuid()).map(({ body }) => Buffer.from(JSON.stringify(body))) }),
    );
  });

  it('rejects and counts payloads of wrong types, binary, random JSON and huge or deeply nested ones from a known pile', async () => {
    await expectEveryMessageRejected(
      5000,
      hostilePayload.map(({ kind, payload }) => ({ topic: topics.uplink(attackerPile, kind), payload })),
    );
  }, 60_000);

  it('rejects and counts valid-looking messages from piles the platform does not know, even naming a real session', async () => {
    await expectEveryMessageRejected(
      1000,
      fc.tuple(unknownPileId, anyValid(fc.constant(victimSession))).map(([pileId, { kind, body }]) => ({ topic: topics.uplink(pileId, kind), payload: Buffer.from(JSON.stringify(body)) })),
    );
  });

  it("lets a known pile's valid-looking telemetry, session events and acks about another pile's session change nothing of that session", async () => {
    const record = await f.live.session(victimSession);
    const signalsBefore = f.signals.sent.length;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('telemetry', 'event', 'ack' as const).chain((kind) => validBody(kind, fc.constant(victimSession)).map((body) => ({ kind, body }))),
        async ({ kind, body }) => {
          const outcome = await routeMessage(f.ctx, presence, topics.uplink(attackerPile, kind), Buffer.from(JSON.stringify(body)));
          expect(outcome).not.toBe('failed');
        },
      ),
      { numRuns: 1500 },
    );
    expect(f.signals.sent.slice(signalsBefore)).toEqual([]);
    expect(await f.live.session(victimSession)).toEqual(record);
  });
});
