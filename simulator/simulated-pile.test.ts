import { randomUUID } from 'node:crypto';
import { type CommandType, derivePileSecret, newCommandId, newCommandNonce, type PileCommand, signCommand } from '../device-protocol/commands';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { pileTopics } from '../device-protocol/topics';
import { PlatformProbe, testMqttUrl } from './platform-probe';
import { SimulatedPile, type SimulatedPileOptions } from './simulated-pile';

const masterKey = 'simulated-pile-test-master-key-0123456789';
const unplugDelayMs = 100;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pile: SimulatedPile | undefined;
let probe: PlatformProbe | undefined;

/** Connects a fresh pile with a unique id, watched by a probe from before its first message. */
async function startPile(overrides: Partial<SimulatedPileOptions> = {}): Promise<{ pile: SimulatedPile; probe: PlatformProbe }> {
  const pileId = `sim-${randomUUID().slice(0, 8)}`;
  probe = await PlatformProbe.attach(pileId);
  pile = new SimulatedPile({
    pileId,
    pileSecret: derivePileSecret(masterKey, pileId),
    mqttPassword: mqttCredentials(masterKey, { role: 'pile', pileId }).password,
    mqttUrl: testMqttUrl,
    topics: pileTopics(),
    maxPowerW: 120_000,
    telemetryIntervalMs: 50,
    unplugDelayMs,
    ...overrides,
  });
  await pile.connect();
  await probe.waitFor('status', (s) => s.state === 'idle');
  return { pile, probe };
}

function signed(type: CommandType, command: Partial<PileCommand> = {}, signing = { key: masterKey, nowMs: Date.now() }) {
  const pileId = pile!.pileId;
  const full: PileCommand = { commandId: newCommandId(), nonce: newCommandNonce(), pileId, type, ttlSeconds: 60, ...command };
  return { commandId: full.commandId, token: signCommand(full, derivePileSecret(signing.key, pileId), signing.nowMs) };
}

async function startSession(sessionId = randomUUID()): Promise<string> {
  await probe!.sendCommand(signed('start', { sessionId }).token);
  await probe!.waitFor('event', (e) => e.event === 'sessionStarted');
  return sessionId;
}

afterEach(async () => {
  await pile?.disconnect();
  await probe?.close();
  const invalid = probe?.invalid;
  pile = probe = undefined;
  expect(invalid).toEqual([]);
});

it('a signed start makes the pile ack, report sessionStarted with its meter, and send telemetry whose energy register only grows', async () => {
  const { pile, probe } = await startPile({ energyRegisterWh: 250_000 });
  const sessionId = randomUUID();
  const { commandId, token } = signed('start', { sessionId });

  await probe.sendCommand(token);

  expect(await probe.waitFor('ack')).toMatchObject({ commandId, sessionId, accepted: true });
  expect(await probe.waitFor('event')).toMatchObject({ event: 'sessionStarted', sessionId, meterStartWh: 250_000 });
  expect(probe.messages('status').map((s) => s.state)).toEqual(['idle', 'charging']);
  const telemetry = await probe.until(() => (probe.messages('telemetry').length >= 5 ? probe.messages('telemetry') : undefined));
  const registers = telemetry.map((t) => t.energyRegisterWh);
  expect(registers).toEqual([...registers].sort((a, b) => a - b));
  expect(registers[registers.length - 1]).toBeGreaterThan(250_000);
  expect(telemetry[0]).toMatchObject({ sessionId, powerW: 120_000, socPercent: 30 });
  expect(pile.state).toBe('charging');
});

it('an ack echoes the nonce of the command it answers, refusals included', async () => {
  const { pile, probe } = await startPile();
  pile.behaviour = 'refuse-start';
  const nonce = newCommandNonce();

  await probe.sendCommand(signed('start', { sessionId: randomUUID(), nonce }).token);

  expect(await probe.waitFor('ack')).toMatchObject({ nonce, accepted: false, reason: 'refused' });
});

it('a command signed with another key is refused as bad_signature and nothing starts', async () => {
  const { pile, probe } = await startPile();
  const { commandId, token } = signed('start', { sessionId: randomUUID() }, { key: 'some-other-master-key-0123456789abcdef', nowMs: Date.now() });

  await probe.sendCommand(token);

  expect(await probe.waitFor('ack')).toMatchObject({ commandId, accepted: false, reason: 'bad_signature' });
  expect(probe.messages('event')).toEqual([]);
  expect(pile.state).toBe('idle');
});

it('an expired command is refused', async () => {
  const { pile, probe } = await startPile();
  const { commandId, token } = signed('start', { sessionId: randomUUID(), ttlSeconds: 60 }, { key: masterKey, nowMs: Date.now() - 120_000 });

  await probe.sendCommand(token);

  expect(await probe.waitFor('ack')).toMatchObject({ commandId, accepted: false, reason: 'expired' });
  expect(pile.state).toBe('idle');
});

it('a replayed command id is acknowledged again but not executed twice', async () => {
  const { probe } = await startPile();
  const { token } = signed('start', { sessionId: randomUUID() });

  await probe.sendCommand(token);
  await probe.sendCommand(token);

  const [first, second] = await probe.until(() => (probe.messages('ack').length === 2 ? probe.messages('ack') : undefined));
  expect(second).toEqual({ ...first, msgId: second.msgId, ts: second.ts });
  expect(second.msgId).not.toBe(first.msgId);
  expect(probe.messages('event').filter((e) => e.event === 'sessionStarted')).toHaveLength(1);
});

it('a second session is refused as busy while one is charging', async () => {
  const { pile, probe } = await startPile();
  const charging = await startSession();
  const other = randomUUID();

  await probe.sendCommand(signed('start', { sessionId: other }).token);

  expect(await probe.waitFor('ack', (a) => a.sessionId === other)).toMatchObject({ accepted: false, reason: 'busy' });
  expect(pile.sessionId).toBe(charging);
});

it('stop reports the final meter and then, after the unplug delay, the connector is free', async () => {
  const { pile, probe } = await startPile();
  const sessionId = await startSession();
  await probe.until(() => (probe.messages('telemetry').length >= 2 ? true : undefined));
  const { commandId, token } = signed('stop', { sessionId });

  await probe.sendCommand(token);

  expect(await probe.waitFor('ack', (a) => a.commandId === commandId)).toMatchObject({ sessionId, accepted: true });
  const stopped = await probe.waitFor('event', (e) => e.event === 'sessionStopped');
  expect(stopped).toEqual(expect.objectContaining({ sessionId, reason: 'remote', meterStopWh: pile.energyRegisterWh }));
  const lastTelemetry = probe.messages('telemetry').at(-1)!;
  expect(pile.energyRegisterWh).toBeGreaterThanOrEqual(lastTelemetry.energyRegisterWh);
  const plugged = await probe.waitFor('status', (s) => s.state === 'plugged');
  const idle = await probe.waitFor('status', (s) => s.state === 'idle' && s.ts >= plugged.ts);
  // Node may fire a timer a millisecond early as Date.now() counts it: the delay is waited, give or take that.
  expect(idle.ts - plugged.ts).toBeGreaterThanOrEqual(unplugDelayMs - 2);
});

it('a full battery ends the session as ev_full and frees the connector', async () => {
  const { probe } = await startPile({ batteryCapacityWh: 20, initialSocPercent: 50 });
  const sessionId = await startSession();

  const stopped = await probe.waitFor('event', (e) => e.event === 'sessionStopped');

  expect(stopped).toMatchObject({ sessionId, reason: 'ev_full', meterStopWh: 100_010 });
  expect(probe.messages('telemetry').at(-1)).toMatchObject({ socPercent: 100, energyRegisterWh: 100_010 });
  await probe.waitFor('status', (s) => s.state === 'idle' && s.ts > stopped.ts);
  expect(probe.messages('status').map((s) => s.state)).toEqual(['idle', 'charging', 'plugged', 'idle']);
});

it('configure changes the power of the next session and refuses a power out of range', async () => {
  const { probe } = await startPile();
  const good = signed('configure', { params: { maxPowerW: 60_000 } });
  const bad = signed('configure', { params: { maxPowerW: 5_000_000 } });

  await probe.sendCommand(good.token);
  await probe.sendCommand(bad.token);

  expect(await probe.waitFor('ack', (a) => a.commandId === good.commandId)).toMatchObject({ accepted: true });
  expect(await probe.waitFor('ack', (a) => a.commandId === bad.commandId)).toMatchObject({ accepted: false, reason: 'invalid_params' });
  await startSession();
  expect(await probe.waitFor('telemetry')).toMatchObject({ powerW: 60_000 });
});

it('configure sets the heartbeat interval, the QR content and the displayed price', async () => {
  const { pile, probe } = await startPile({ heartbeatIntervalMs: 60_000 });
  const command = signed('configure', { params: { heartbeatIntervalS: 5, qrContent: 'https://example.test/p/abc', displayPriceFenPerKwh: 150 } });
  const heartbeatsBefore = probe.messages('heartbeat').length;

  await probe.sendCommand(command.token);

  expect(await probe.waitFor('ack', (a) => a.commandId === command.commandId)).toMatchObject({ accepted: true });
  expect(pile.heartbeatIntervalMs).toBe(5000);
  expect(pile.display).toEqual({ qrContent: 'https://example.test/p/abc', priceFenPerKwh: 150 });
  // The next heartbeat is due within the new interval, not the old minute.
  await probe.until(() => (probe.messages('heartbeat').length > heartbeatsBefore ? true : undefined), 7000);
}, 15_000);

it('configure refuses unknown parameters with invalid_params', async () => {
  const { probe } = await startPile();
  const command = signed('configure', { params: { maxPowerKw: 60 } });

  await probe.sendCommand(command.token);

  expect(await probe.waitFor('ack', (a) => a.commandId === command.commandId)).toMatchObject({ accepted: false, reason: 'invalid_params' });
});

it('unlock frees a connector still held after a session, and refuses while charging', async () => {
  const { pile, probe } = await startPile({ unplugDelayMs: 60_000 });
  await startSession();
  const whileCharging = signed('unlock', { params: { connectorId: 1 } });
  await probe.sendCommand(whileCharging.token);
  expect(await probe.waitFor('ack', (a) => a.commandId === whileCharging.commandId)).toMatchObject({ accepted: false, reason: 'busy' });

  await probe.sendCommand(signed('stop').token);
  await probe.waitFor('status', (s) => s.state === 'plugged');
  const unlock = signed('unlock', { params: { connectorId: 1 } });
  await probe.sendCommand(unlock.token);

  expect(await probe.waitFor('ack', (a) => a.commandId === unlock.commandId)).toMatchObject({ accepted: true });
  await probe.until(() => (probe.messages('status').at(-1)?.state === 'idle' ? true : undefined));
  expect(probe.messages('status').map((s) => s.state)).toEqual(['idle', 'charging', 'plugged', 'idle']);
  expect(pile.state).toBe('idle');
});

it('unlock refuses a connector the pile does not have', async () => {
  const { probe } = await startPile();
  const unlock = signed('unlock', { params: { connectorId: 2 } });

  await probe.sendCommand(unlock.token);

  expect(await probe.waitFor('ack', (a) => a.commandId === unlock.commandId)).toMatchObject({ accepted: false, reason: 'unknown_connector' });
});

it('unplugging a charging car stops the session as unplugged and frees the connector at once', async () => {
  const { pile, probe } = await startPile();
  const sessionId = await startSession();

  pile.unplug();

  expect(await probe.waitFor('event', (e) => e.event === 'sessionStopped')).toMatchObject({ sessionId, reason: 'unplugged' });
  const states = await probe.until(() => (probe.messages('status').length === 3 ? probe.messages('status').map((s) => s.state) : undefined));
  expect(states).toEqual(['idle', 'charging', 'idle']);
});

it('refuse-start behaviour acknowledges a start with accepted:false', async () => {
  const { pile, probe } = await startPile();
  pile.behaviour = 'refuse-start';
  const { commandId, token } = signed('start', { sessionId: randomUUID() });

  await probe.sendCommand(token);

  expect(await probe.waitFor('ack')).toMatchObject({ commandId, accepted: false, reason: 'refused' });
  expect(pile.state).toBe('idle');
});

it('ignore-commands behaviour sends no ack and does nothing', async () => {
  const { pile, probe } = await startPile();
  pile.behaviour = 'ignore-commands';

  await probe.sendCommand(signed('start', { sessionId: randomUUID() }).token);
  await pause(300);

  expect(probe.messages('ack')).toEqual([]);
  expect(pile.state).toBe('idle');
});

it('fault() reports a fault event with the meter and state faulted', async () => {
  const { pile, probe } = await startPile();
  const sessionId = await startSession();
  await probe.waitFor('telemetry');

  pile.fault('E_OVERHEAT');

  const fault = await probe.waitFor('event', (e) => e.event === 'fault');
  expect(fault).toMatchObject({ code: 'E_OVERHEAT', sessionId, meterWh: pile.energyRegisterWh });
  expect(await probe.waitFor('status', (s) => s.state === 'faulted')).toMatchObject({ faultCode: 'E_OVERHEAT' });
  expect(probe.messages('event').filter((e) => e.event === 'sessionStopped')).toEqual([]);
  expect(pile.sessionId).toBeUndefined();
});

it('a silent pile publishes nothing, not even heartbeats, until it resumes', async () => {
  const { pile, probe } = await startPile({ heartbeatIntervalMs: 50 });
  await probe.until(() => (probe.messages('heartbeat').length >= 3 ? true : undefined));

  pile.goSilent();
  await pause(100);
  const heard = probe.received.length;
  await pause(200);
  expect(probe.received).toHaveLength(heard);

  pile.resume();
  await probe.until(() => (probe.received.length > heard ? true : undefined));
});

it('dropConnection() makes the broker publish the offline last will', async () => {
  const { pile, probe } = await startPile();

  await pile.dropConnection();

  expect(await probe.waitFor('status', (s) => s.state === 'offline')).toMatchObject({ v: 1 });
});

it('a pile that reconnects while charging reports its session and its meter, which kept counting', async () => {
  const { pile, probe } = await startPile({ energyRegisterWh: 250_000 });
  const sessionId = await startSession();
  await pile.dropConnection();
  await pause(100);

  await pile.connect();

  const status = await probe.waitFor('status', (s) => s.state === 'charging' && (s.energyRegisterWh ?? 0) > 250_000);
  expect(status).toMatchObject({ sessionId, state: 'charging' });
  expect(status.energyRegisterWh).toBeLessThanOrEqual(pile.energyRegisterWh);
});
