import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { aTariff } from '../test/support/builders';
import { type GatewayFixture, gatewayFixture } from '../test/support/gateway-harness';
import { logSink } from '../test/support/log-sink';
import { checkpointPhaseMs } from './checkpoint-slots';
import { countLiveGateways, SubscriptionShare } from './gateway-lease';
import { PilePresence } from './presence';
import { hotKeys } from '../infra/hot-state/keys';
import { pileTopics, type UplinkKind } from '../device-protocol/topics';
import { routeMessage } from './routing';

/** The default topics, as the test broker carries them. */
const topics = pileTopics();

let f: GatewayFixture;
let presence: PilePresence;
let pileId: string;
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

beforeEach(async () => {
  f = await gatewayFixture({ checkpointIntervalMs: 60_000 });
  presence = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
  pileId = f.pileIds[0];
}, 60_000);

afterEach(async () => {
  await f.close();
});

const send = (kind: UplinkKind, body: object, pile = pileId) =>
  routeMessage(f.ctx, presence, topics.uplink(pile, kind), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: T0, ...body })));
async function waitUntil(condition: () => boolean) {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
const counter = async (name: string) => (await f.metrics.getSingleMetric(name)!.get()).values;

/** When a session that started at T0 crosses into its second checkpoint slot (the interval here is a minute). */
const firstSlotEdge = (sessionId: string) => T0 + 60_000 - checkpointPhaseMs(sessionId, 60_000);

async function openSession(sessionId: string) {
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
}

describe('the gateway router', () => {
  it.each([
    ['a payload that is not JSON', 'status', Buffer.from('{not json')],
    ['a status without its state', 'status', Buffer.from(JSON.stringify({ v: 1, msgId: 'm1', ts: T0, connectedAt: T0 }))],
    ['telemetry with a fractional energy register', 'telemetry', Buffer.from(JSON.stringify({ v: 1, msgId: 'm2', ts: T0, voltageV: 1, currentA: 1, powerW: 1, energyRegisterWh: 1.5, temperatureC: 20 }))],
    ['an unknown protocol version', 'heartbeat', Buffer.from(JSON.stringify({ v: 2, msgId: 'm3', ts: T0 }))],
  ] as const)('rejects and counts %s without throwing', async (_, kind, payload) => {
    expect(await routeMessage(f.ctx, presence, topics.uplink(pileId, kind), payload)).toBe('rejected');
    expect(await counter('evcp_gateway_messages_rejected_total')).toEqual([expect.objectContaining({ labels: { reason: 'invalid_payload' }, value: 1 })]);
  });

  it('rejects messages from a pile it does not know', async () => {
    expect(await send('heartbeat', {}, 'not-a-registered-pile')).toBe('rejected');
    expect(await counter('evcp_gateway_messages_rejected_total')).toEqual([expect.objectContaining({ labels: { reason: 'unknown_pile' } })]);
  });

  it('handles a redelivered QoS 1 message once', async () => {
    const sessionId = randomUUID();
    await openSession(sessionId);
    const payload = Buffer.from(JSON.stringify({ v: 1, msgId: 'same-id', ts: T0, commandId: `${sessionId}:start`, sessionId, accepted: true }));
    expect(await routeMessage(f.ctx, presence, topics.uplink(pileId, 'ack'), payload)).toBe('handled');
    expect(await routeMessage(f.ctx, presence, topics.uplink(pileId, 'ack'), payload)).toBe('duplicate');
    expect(f.signals.named('pileAcknowledged')).toHaveLength(1);
  });
});

describe('pile status', () => {
  it('shows the pile, raises an offline alarm on its last will and clears it when the pile is back', async () => {
    await send('status', { state: 'idle', connectedAt: T0 });
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'idle' });
    await send('status', { state: 'offline', connectedAt: T0, ts: T0 });
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'offline' });
    expect((await f.alarms(pileId)).map((a) => [a.kind, a.code, a.clearedAt])).toEqual([['offline', 'DISCONNECTED', null]]);
    await send('status', { state: 'idle', connectedAt: T0 + 5000, ts: T0 + 5000 });
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'idle' });
    expect((await f.alarms(pileId))[0].clearedAt).not.toBeNull();
  });

  it('ignores the last will of an earlier connection that arrives after the pile reconnected', async () => {
    await send('status', { state: 'idle', connectedAt: T0 + 10_000, ts: T0 + 10_001 });
    expect(await send('status', { state: 'offline', connectedAt: T0, ts: T0 })).toBe('handled');
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'idle' });
    expect(await f.alarms(pileId)).toEqual([]);
  });

  it('ignores a status older than the last one of the same connection', async () => {
    await send('status', { state: 'charging', connectedAt: T0, ts: T0 + 2000 });
    await send('status', { state: 'idle', connectedAt: T0, ts: T0 + 1000 });
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'charging' });
  });

  it('tells the session holding the pile that the connector is free once the car is unplugged', async () => {
    const sessionId = randomUUID();
    await openSession(sessionId);
    await send('status', { state: 'plugged', connectedAt: T0, ts: T0 + 1000 });
    await send('status', { state: 'idle', connectedAt: T0, ts: T0 + 2000 });
    expect(f.signals.named('connectorFreed')).toEqual([{ sessionId, signal: 'connectorFreed', payload: { at: T0 + 2000 } }]);
    expect(await counter('evcp_workflow_signal_lag_seconds')).toContainEqual(expect.objectContaining({ metricName: 'evcp_workflow_signal_lag_seconds_count', labels: { signal: 'connectorFreed' }, value: 1 }));
  });
});

describe('telemetry of a charging session', () => {
  it('publishes live progress priced by the tariff to a watched session and sends one checkpoint per interval', async () => {
    const sessionId = randomUUID();
    await openSession(sessionId);
    await f.live.announceWatching([sessionId], Date.now() + 60_000);
    await waitUntil(() => f.ctx.watched.isWatched(sessionId));
    const progress: any[] = [];
    const unsubscribe = await f.live.subscribe(`live:session:${sessionId}`, (m) => progress.push(m));
    await send('event', { event: 'sessionStarted', sessionId, meterStartWh: 10_000 });
    const sample = (ts: number, registerWh: number) =>
      send('telemetry', { ts, sessionId, voltageV: 400, currentA: 150, powerW: 60_000, energyRegisterWh: registerWh, temperatureC: 35, socPercent: 40 });
    const edge = firstSlotEdge(sessionId);
    // The slot edge may come a second after the start: each sample stays within what 120 kW can deliver.
    await sample(edge - 1000, 10_000);
    await sample(edge + 1000, 10_030);
    await sample(edge + 2000, 10_060);
    await sample(edge + 61_000, 12_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await unsubscribe();

    expect(f.signals.named('chargingStarted')).toEqual([{ sessionId, signal: 'chargingStarted', payload: { at: T0, meterStartWh: 10_000 } }]);
    expect(f.signals.named('meterCheckpoint').map((s) => s.payload.meterWh)).toEqual([10_030, 12_000]);
    const last = progress.filter((m) => m.type === 'session.progress').pop();
    // 2,000 Wh in the peak band (110 + 80 fen/kWh)
    expect(last).toMatchObject({ at: new Date(edge + 61_000).toISOString(), energyWh: 2000, costFen: 380, powerW: 60_000, elapsedSeconds: Math.floor((edge + 61_000 - T0) / 1000), socPercent: 40 });
  });

  it('computes no progress for a session nobody watches, but still takes its checkpoints', async () => {
    const sessionId = randomUUID();
    await openSession(sessionId);
    const progress: any[] = [];
    const unsubscribe = await f.live.subscribe(`live:session:${sessionId}`, (m) => progress.push(m));
    await send('event', { event: 'sessionStarted', sessionId, meterStartWh: 0 });
    await send('telemetry', { ts: firstSlotEdge(sessionId) + 1000, sessionId, voltageV: 400, currentA: 10, powerW: 4000, energyRegisterWh: 68, temperatureC: 30 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await unsubscribe();
    expect(progress.filter((m) => m.type === 'session.progress')).toEqual([]);
    expect(f.signals.named('meterCheckpoint')).toHaveLength(1);
  });

  it('sends a checkpoint slot once even when two gateways see samples of it', async () => {
    const sessionId = randomUUID();
    await openSession(sessionId);
    await send('event', { event: 'sessionStarted', sessionId, meterStartWh: 0 });
    const otherGateway = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
    const edge = firstSlotEdge(sessionId);
    const sample = (ts: number, wh: number) => ({ v: 1, msgId: randomUUID(), ts, sessionId, voltageV: 400, currentA: 10, powerW: 4000, energyRegisterWh: wh, temperatureC: 30 });
    await Promise.all([
      routeMessage(f.ctx, presence, topics.uplink(pileId, 'telemetry'), Buffer.from(JSON.stringify(sample(edge + 1000, 100)))),
      routeMessage(f.ctx, otherGateway, topics.uplink(pileId, 'telemetry'), Buffer.from(JSON.stringify(sample(edge + 1500, 101)))),
    ]);
    expect(f.signals.named('meterCheckpoint')).toHaveLength(1);
  });

  it('ignores telemetry for a session the pile does not hold', async () => {
    await send('telemetry', { sessionId: randomUUID(), voltageV: 400, currentA: 10, powerW: 4000, energyRegisterWh: 5, temperatureC: 30 });
    expect(f.signals.sent).toEqual([]);
  });
});

describe('pile faults and presence', () => {
  it('raises a fault alarm and ends the session on the pile with its meter', async () => {
    const sessionId = randomUUID();
    await openSession(sessionId);
    await send('event', { event: 'fault', code: 'GROUND_FAULT', sessionId, meterWh: 1234 });
    expect(f.signals.named('pileFaulted')).toEqual([{ sessionId, signal: 'pileFaulted', payload: { at: T0, code: 'GROUND_FAULT', meterWh: 1234 } }]);
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'fault' });
    expect((await f.alarms(pileId)).map((a) => a.code)).toEqual(['GROUND_FAULT']);
  });

  it('marks a pile that stops talking offline after the heartbeat timeout, and back when it speaks again', async () => {
    let now = T0;
    f.ctx.clock = () => now;
    const sweeper = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000, writeEveryMs: 0 });
    await routeMessage(f.ctx, sweeper, topics.uplink(pileId, 'status'), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: T0, state: 'idle', connectedAt: T0 })));
    now += 60_000;
    expect(await sweeper.sweep()).toBe(0);
    now += 31_000;
    expect(await sweeper.sweep()).toBe(1);
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'offline' });
    expect((await f.alarms(pileId)).map((a) => a.code)).toEqual(['HEARTBEAT_TIMEOUT']);
    await routeMessage(f.ctx, sweeper, topics.uplink(pileId, 'heartbeat'), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: now })));
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'idle' });
    expect((await f.alarms(pileId))[0].clearedAt).not.toBeNull();
  });

  describe('presence written by gateways that share the subscription', () => {
    /** Hears a heartbeat of the pile at `at` and tells whether its last-seen time moved to `at`. */
    async function wroteAt(gateway: PilePresence, at: number) {
      f.ctx.clock = () => at;
      await routeMessage(f.ctx, gateway, topics.uplink(pileId, 'heartbeat'), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: at })));
      return (await f.ctx.hot.membersScoredBelow(hotKeys.pilesLastSeen, at - 1, 10)).length === 0;
    }
    /** A gateway told how many are live, as startGateway tells it from the leases in Redis. */
    async function gatewayAmong(liveNames: number) {
      for (let i = 0; i < liveNames; i++) await f.ctx.hot.scoreSet(hotKeys.gatewaysKnown, `gateway-${i}`, T0);
      await f.ctx.hot.scoreSet(hotKeys.gatewaysKnown, 'departed-gateway', T0 - 60_000);
      const share = new SubscriptionShare();
      share.liveGateways = await countLiveGateways(f.ctx.hot, 10_000, T0);
      return new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000, writeEveryMs: 15_000, share });
    }

    it('writes a pile at most once per interval when it is the only live gateway', async () => {
      const gateway = await gatewayAmong(1);
      expect(await wroteAt(gateway, T0)).toBe(true);
      expect(await wroteAt(gateway, T0 + 10_000)).toBe(false);
      expect(await wroteAt(gateway, T0 + 16_000)).toBe(true);
    });

    it('writes a pile half as often when two gateways are live, so together they write it as often as one', async () => {
      const gateway = await gatewayAmong(2);
      expect(await wroteAt(gateway, T0)).toBe(true);
      expect(await wroteAt(gateway, T0 + 16_000)).toBe(false);
      expect(await wroteAt(gateway, T0 + 31_000)).toBe(true);
    });

    it('writes a pile at least every third of the heartbeat timeout however many gateways are live', async () => {
      const gateway = await gatewayAmong(5);
      expect(await wroteAt(gateway, T0)).toBe(true);
      expect(await wroteAt(gateway, T0 + 29_000)).toBe(false);
      expect(await wroteAt(gateway, T0 + 31_000)).toBe(true);
    });
  });

  it('clears an offline alarm raised before a restart once the restarted gateway hears the pile, though the live state of its silence is gone', async () => {
    f.ctx.clock = () => T0;
    await f.ctx.alarms.raise(pileId, 'offline', 'HEARTBEAT_TIMEOUT', 'no message for 90 s', new Date(T0 - 60_000));
    const restartedGateway = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
    await routeMessage(f.ctx, restartedGateway, topics.uplink(pileId, 'status'), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: T0, state: 'idle', connectedAt: T0 })));
    expect((await f.alarms(pileId)).map((a) => a.clearedAt)).toEqual([new Date(T0)]);
  });
});

describe('log lines of a pile message', () => {
  /** A plain pino logger (no mixin, so nothing read from an AsyncLocalStorage) in place of the gateway's; returns its parsed lines. */
  function captureGatewayLogs() {
    const { sink, entries } = logSink();
    f.ctx.logger = pino({ level: 'info', base: null }, sink);
    return entries;
  }

  it("name the message's pile and session on what a handler logs, without any AsyncLocalStorage", async () => {
    const logged = captureGatewayLogs();
    const alsRun = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const alsEnter = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      const otherPilesSession = randomUUID();
      await f.live.sessionOpened({ sessionId: otherPilesSession, userId: 'u1', pileId: f.pileIds[1], stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
      await send('ack', { commandId: `${otherPilesSession}:start`, sessionId: otherPilesSession, accepted: true });
      await send('ack', { commandId: 'a-command-nobody-sent', accepted: true });
      // The handler's line names neither: both come from the message.
      const ownSession = randomUUID();
      await send('status', { state: 'charging', sessionId: ownSession, energyRegisterWh: 10, connectedAt: T0, ts: Date.now() + 86_400_000 });

      expect(logged()).toEqual([
        expect.objectContaining({ pileId, sessionId: otherPilesSession, reason: 'foreign_session', msg: 'rejected a pile message about a session that is not its own' }),
        expect.objectContaining({ pileId, commandId: 'a-command-nobody-sent', msg: 'ack of a command the platform does not know: ignored' }),
        expect.objectContaining({ pileId, sessionId: ownSession, msg: 'status stamped ahead of the platform clock refused' }),
      ]);
      expect(logged()[1]).not.toHaveProperty('sessionId');
      expect(alsRun).not.toHaveBeenCalled();
      expect(alsEnter).not.toHaveBeenCalled();
    } finally {
      alsRun.mockRestore();
      alsEnter.mockRestore();
    }
  });

  it('makes no child logger for a message that logs nothing', async () => {
    captureGatewayLogs();
    const child = jest.spyOn(f.ctx.logger, 'child');
    const sessionId = randomUUID();
    await openSession(sessionId);
    await send('event', { event: 'sessionStarted', sessionId, meterStartWh: 0 });
    await send('telemetry', { ts: T0 + 1000, sessionId, voltageV: 400, currentA: 10, powerW: 4000, energyRegisterWh: 1, temperatureC: 30 });
    await send('heartbeat', {});
    expect(child).not.toHaveBeenCalled();
  });
});
