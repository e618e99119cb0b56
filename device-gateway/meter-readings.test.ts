import { randomUUID } from 'node:crypto';
import { SequelizeSessionStore } from '../db/session-store';
import { hotKeys } from '../infra/hot-state/keys';
import type { SessionStatus } from '../domain/session-state';
import { aTariff } from '../test/support/builders';
import { type GatewayFixture, gatewayFixture } from '../test/support/gateway-harness';
import { PilePresence } from './presence';
import { pileTopics, type UplinkKind } from '../device-protocol/topics';
import { routeMessage } from './routing';

/** The platform clock of these tests; the session started ten minutes before, at this meter. */
const NOW = Date.parse('2026-03-02T10:10:00+08:00');
const STARTED = NOW - 10 * 60_000;
const METER_START = 100_000;

let f: GatewayFixture;
let presence: PilePresence;
let pileId: string;

beforeEach(async () => {
  f = await gatewayFixture({ checkpointIntervalMs: 60_000 });
  f.ctx.clock = () => NOW;
  presence = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
  pileId = f.pileIds[0]; // rated 120 kW
}, 60_000);

afterEach(async () => {
  await f.close();
});

const send = (kind: UplinkKind, body: object) =>
  routeMessage(f.ctx, presence, pileTopics().uplink(pileId, kind), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: NOW, ...body })));
const telemetry = (ts: number, registerWh: number, sessionId: string) =>
  send('telemetry', { ts, sessionId, voltageV: 400, currentA: 100, powerW: 40_000, energyRegisterWh: registerWh, temperatureC: 30 });
const counter = async (name: string) => (await f.metrics.getSingleMetric(name)!.get()).values;

async function chargingSessionInHotState() {
  const sessionId = randomUUID();
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: STARTED });
  await f.live.sessionChanged({ sessionId, userId: 'u1', pileId, stationId: f.stationId }, { status: 'CHARGING', energyWh: 0, needsReview: false }, STARTED);
  await f.live.chargingStarted(sessionId, METER_START, STARTED);
  return sessionId;
}

/** A charging session only the database knows: the hot store was lost with the platform that held it. */
async function chargingSessionOnlyInDatabase(status: SessionStatus = 'CHARGING', meterStartWh: number | null = METER_START) {
  const sessionId = randomUUID();
  const identity = { sessionId, userId: 'u1', pileId, stationId: f.stationId };
  const store = new SequelizeSessionStore(f.db);
  await store.open({ ...identity, workflowId: `charging-session-${sessionId}`, status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: STARTED });
  await store.recordTransition({
    ...identity,
    seq: 3,
    from: 'AUTHORIZING',
    to: status,
    at: STARTED,
    record: { status, heldFen: 5000, meterStartWh: meterStartWh ?? undefined, energyWh: 0, startedAt: meterStartWh === null ? undefined : STARTED, needsReview: false },
  });
  return sessionId;
}

describe('meter readings that are not physically plausible', () => {
  it('are not checkpointed, are counted, raise a meter alarm and go to the session once to flag it', async () => {
    const sessionId = await chargingSessionInHotState();
    // The forged message of the incident: +1,000,000 Wh, stamped 130 s ahead of the platform clock.
    await telemetry(NOW + 130_000, METER_START + 1_000_000, sessionId);
    await telemetry(NOW, METER_START + 1_000_000, sessionId);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect((await f.live.session(sessionId))?.checkpoint).toMatchObject({ at: STARTED, meterWh: METER_START });
    expect(f.signals.named('meterCheckpoint').map((s) => s.payload)).toEqual([{ at: NOW + 130_000, meterWh: METER_START + 1_000_000 }]);
    expect(await counter('evcp_gateway_implausible_meter_readings_total')).toEqual([
      expect.objectContaining({ labels: { reason: 'ahead_of_clock' }, value: 1 }),
      expect.objectContaining({ labels: { reason: 'register_jump' }, value: 1 }),
    ]);
    expect((await f.alarms(pileId)).map((a) => [a.kind, a.code])).toEqual([['meter', 'ahead_of_clock']]);
  });

  it('still checkpoints the plausible readings around them', async () => {
    const sessionId = await chargingSessionInHotState();
    await telemetry(NOW - 60_000, METER_START + 50_000, sessionId); // 50 kWh in nine minutes at 120 kW
    await telemetry(NOW, METER_START + 15_000, sessionId); // ten minutes at 90 kW
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await f.live.session(sessionId))?.checkpoint).toMatchObject({ at: NOW, meterWh: METER_START + 15_000 });
    expect(f.signals.named('meterCheckpoint').map((s) => s.payload.meterWh)).toEqual([METER_START + 50_000, METER_START + 15_000]);
  });

  it('raises a meter alarm for a stop event whose meter the pile cannot have reached, and leaves the bill to the session', async () => {
    const sessionId = await chargingSessionInHotState();
    await send('event', { event: 'sessionStopped', sessionId, meterStopWh: METER_START + 900_000, reason: 'local' });
    expect((await f.alarms(pileId)).map((a) => [a.kind, a.code])).toEqual([['meter', 'register_jump']]);
    expect(f.signals.named('chargingStopped')).toHaveLength(1);
  });
});

describe('sessions the hot store lost (a crash of the embedded platform)', () => {
  it('are put back from the durable record when their pile keeps sending telemetry', async () => {
    const sessionId = await chargingSessionOnlyInDatabase();
    await telemetry(NOW, METER_START + 12_000, sessionId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(f.signals.named('meterCheckpoint').map((s) => s.payload)).toEqual([{ at: NOW, meterWh: METER_START + 12_000, powerW: 40_000 }]);
    expect(await f.live.occupant(pileId)).toEqual({ sessionId, status: 'CHARGING' });
  });

  it('catch up from the session and meter a reconnecting pile reports', async () => {
    const sessionId = await chargingSessionOnlyInDatabase();
    await send('status', { state: 'charging', connectedAt: NOW, sessionId, energyRegisterWh: METER_START + 9000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(f.signals.named('meterCheckpoint').map((s) => s.payload)).toEqual([{ at: NOW, meterWh: METER_START + 9000 }]);
  });

  it('end at the pile meter when the reconnecting pile reports it is idle', async () => {
    const sessionId = await chargingSessionOnlyInDatabase();
    await send('status', { state: 'idle', connectedAt: NOW, energyRegisterWh: METER_START + 7000 });
    expect(f.signals.named('pileReportedIdle')).toEqual([{ sessionId, signal: 'pileReportedIdle', payload: { at: NOW, meterWh: METER_START + 7000 } }]);
  });

  it('take the start event of a session that was starting', async () => {
    const sessionId = await chargingSessionOnlyInDatabase('STARTING', null);
    await send('event', { event: 'sessionStarted', sessionId, meterStartWh: METER_START });
    expect(f.signals.named('chargingStarted')).toEqual([{ sessionId, signal: 'chargingStarted', payload: { at: NOW, meterStartWh: METER_START } }]);
  });

  it('stay ended: telemetry of a session whose record is final is dropped', async () => {
    const sessionId = await chargingSessionOnlyInDatabase('COMPLETED');
    await telemetry(NOW, METER_START + 12_000, sessionId);
    expect(f.signals.sent).toEqual([]);
    expect(await f.live.session(sessionId)).toBeUndefined();
  });
});

describe('a status stamped ahead of the platform clock', () => {
  it('is refused, so a retained spoofed status with a far-future connection time cannot lock the pile out', async () => {
    expect(await send('status', { state: 'faulted', faultCode: 'SPOOF', connectedAt: NOW + 365 * 86_400_000, ts: NOW + 365 * 86_400_000 })).toBe('handled');
    await send('status', { state: 'idle', connectedAt: NOW - 5000 });
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'idle' });
    expect(await counter('evcp_gateway_messages_rejected_total')).toEqual([expect.objectContaining({ labels: { reason: 'ahead_of_clock' }, value: 1 })]);
  });

  it('recorded before this rule counts for nothing against the pile\'s true statuses', async () => {
    await f.hot.hashSet(hotKeys.pileDevice(pileId), { state: 'faulted', at: String(NOW + 86_400_000), connectedAt: String(NOW + 86_400_000) });
    await send('status', { state: 'idle', connectedAt: NOW - 5000 });
    expect(await f.live.stationPiles(f.stationId)).toEqual({ [pileId]: 'idle' });
  });
});
