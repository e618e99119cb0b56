import mqtt, { type MqttClient } from 'mqtt';
import { checkpointSlots } from '../../device-gateway/checkpoint-slots';
import { type RunningGateway, startGateway } from '../../device-gateway/gateway';
import { uplinkLoadLimits } from '../../device-gateway/uplink-load';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { pileTopics } from '../../device-protocol/topics';
import { connectMqtt } from '../../infra/mqtt';
import { aTariff } from '../support/builders';
import { type GatewayFixture, gatewayFixture } from '../support/gateway-harness';
import { type ShippedMosquitto, startShippedMosquitto } from '../support/shipped-mosquitto';

/**
 * A gateway handed far more than it can handle at once (a burst of every pile's telemetry, as after a broker
 * restart or a stalled gateway; here it handles two messages at a time for three piles) sheds stale samples of
 * live progress, and still relays every stop and a checkpoint from each session's latest reading; once the burst
 * is through it is no longer overloaded.
 */
const masterKey = 'gateway-overload-master-key-0123456789abcdef';
const topics = pileTopics();
const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const CHECKPOINT_MS = 60_000;
/** Five checkpoint intervals of samples, one a second, sent at once. */
const SAMPLES = (5 * CHECKPOINT_MS) / 1000;
const WH_PER_SAMPLE = 10;

let f: GatewayFixture;
let broker: ShippedMosquitto;
let gateway: RunningGateway;
let piles: MqttClient[];

beforeAll(async () => {
  f = await gatewayFixture({ pileCount: 3, checkpointIntervalMs: CHECKPOINT_MS });
  broker = await startShippedMosquitto({ masterKey, piles: f.pileIds, gateways: ['overload-gateway'], commandSenders: [] });
  // The samples are in the past of the gateway's clock, as a backlog is.
  const ctx = { ...f.ctx, clock: () => T0 + 2 * SAMPLES * 1000 };
  gateway = await startGateway(
    ctx,
    (take) => connectMqtt(broker.url, mqttCredentials(masterKey, { role: 'gateway', name: 'overload-gateway' }), { take }),
    { sharedGroup: 'evcp-gateway', heartbeatTimeoutMs: 90_000, load: uplinkLoadLimits(20, 100_000, 2) },
  );
  piles = await Promise.all(
    f.pileIds.map((pileId) => mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: pileId, ...mqttCredentials(masterKey, { role: 'pile', pileId }), reconnectPeriod: 0 })),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all((piles ?? []).map((pile) => pile.endAsync()));
  await gateway?.stop();
  await broker?.stop();
  await f?.close();
});

const sessionOf = (pileId: string) => `overload-${pileId}`;
const meterAt = (i: number) => 1_000 + i * WH_PER_SAMPLE;

async function chargingSessionOn(pileId: string) {
  const sessionId = sessionOf(pileId);
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
  await f.live.chargingStarted(sessionId, meterAt(0), T0);
}

function burstOf(pile: MqttClient, pileId: string) {
  const sessionId = sessionOf(pileId);
  const sends: Promise<unknown>[] = [];
  for (let i = 1; i <= SAMPLES; i++) {
    const sample = { v: 1, msgId: `${pileId}-t${i}`, ts: T0 + i * 1000, sessionId, voltageV: 400, currentA: 90, powerW: 36_000, energyRegisterWh: meterAt(i), temperatureC: 30 };
    sends.push(pile.publishAsync(topics.uplink(pileId, 'telemetry'), JSON.stringify(sample), { qos: 0 }));
    if (i % 30 === 0) sends.push(pile.publishAsync(topics.uplink(pileId, 'heartbeat'), JSON.stringify({ v: 1, msgId: `${pileId}-h${i}`, ts: T0 + i * 1000 }), { qos: 0 }));
  }
  const stop = { v: 1, msgId: `${pileId}-stop`, ts: T0 + (SAMPLES + 1) * 1000, event: 'sessionStopped', sessionId, meterStopWh: meterAt(SAMPLES), reason: 'remote' };
  sends.push(pile.publishAsync(topics.uplink(pileId, 'event'), JSON.stringify(stop), { qos: 1 }));
  return Promise.all(sends);
}

async function waitFor(condition: () => Promise<boolean> | boolean) {
  for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

const metricValue = async (name: string, labels: Record<string, string> = {}) =>
  (await f.metrics.getSingleMetric(name)!.get()).values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);

it('sheds stale telemetry and heartbeats under a burst, never a stop, checkpoints the latest reading, and recovers', async () => {
  for (const pileId of f.pileIds) await chargingSessionOn(pileId);
  await Promise.all(piles.map((pile, i) => burstOf(pile, f.pileIds[i])));
  await waitFor(() => f.signals.named('chargingStopped').length === f.pileIds.length);
  await gateway.uplinks.drain();

  expect(await metricValue('evcp_gateway_shed_messages_total', { kind: 'telemetry' })).toBeGreaterThan(0);
  expect(await metricValue('evcp_gateway_shed_messages_total', { kind: 'heartbeat' })).toBeGreaterThan(0);
  expect(f.signals.named('chargingStopped').map((s) => s.sessionId).sort()).toEqual(f.pileIds.map(sessionOf).sort());
  for (const pileId of f.pileIds) {
    const sessionId = sessionOf(pileId);
    const checkpoints = f.signals.named('meterCheckpoint').filter((s) => s.sessionId === sessionId);
    const slotOf = checkpointSlots({ sessionId, startedAt: T0 }, CHECKPOINT_MS);
    // The last sample is never shed: the slot it falls in has its checkpoint, from it or an earlier sample of that slot.
    expect(slotOf(checkpoints.at(-1)!.payload.at)).toBe(slotOf(T0 + SAMPLES * 1000));
  }
  expect(await metricValue('evcp_gateway_overloaded')).toBe(0);
});

it('counts nothing as shed when each sample is handled before the next arrives', async () => {
  const shedBefore = await metricValue('evcp_gateway_shed_messages_total');
  const pileId = f.pileIds[0];
  const sessionId = 'overload-steady';
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
  await f.live.chargingStarted(sessionId, meterAt(0), T0);
  const handled = () => metricValue('evcp_gateway_messages_total');
  for (let i = 1; i <= 5; i++) {
    const before = await handled();
    const sample = { v: 1, msgId: `steady-${i}`, ts: T0 + i * 1000, sessionId, voltageV: 400, currentA: 90, powerW: 36_000, energyRegisterWh: meterAt(i), temperatureC: 30 };
    await piles[0].publishAsync(topics.uplink(pileId, 'telemetry'), JSON.stringify(sample), { qos: 0 });
    await waitFor(async () => (await handled()) > before);
  }
  expect(await metricValue('evcp_gateway_shed_messages_total')).toBe(shedBefore);
});

it('acknowledges every QoS 1 message it takes, the samples it sheds as well', async () => {
  const pileId = f.pileIds[1];
  const sessionId = 'overload-qos1-samples';
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
  await f.live.chargingStarted(sessionId, meterAt(0), T0);
  const shedBefore = await metricValue('evcp_gateway_shed_messages_total', { kind: 'telemetry' });
  let pubacks = 0;
  gateway.mqtt.on('packetsend', (packet) => packet.cmd === 'puback' && pubacks++);
  const samples = 100;
  const sends = Array.from({ length: samples }, (_, i) => {
    const sample = { v: 1, msgId: `qos1-${i}`, ts: T0 + i * 1000, sessionId, voltageV: 400, currentA: 90, powerW: 36_000, energyRegisterWh: meterAt(i), temperatureC: 30 };
    return piles[1].publishAsync(topics.uplink(pileId, 'telemetry'), JSON.stringify(sample), { qos: 1 });
  });
  await Promise.all(sends);
  await waitFor(() => pubacks === samples);
  expect(pubacks).toBe(samples);
  expect(await metricValue('evcp_gateway_shed_messages_total', { kind: 'telemetry' })).toBeGreaterThan(shedBefore);
});
