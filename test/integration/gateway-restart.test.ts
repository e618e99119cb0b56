import mqtt, { type MqttClient } from 'mqtt';
import type { SignalDefinition } from '@temporalio/workflow';
import { type RunningGateway, startGateway } from '../../device-gateway/gateway';
import type { GatewayContext } from '../../device-gateway/context';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { pileTopics } from '../../device-protocol/topics';
import { connectMqtt } from '../../infra/mqtt';
import { aTariff } from '../support/builders';
import { type GatewayFixture, gatewayFixture } from '../support/gateway-harness';
import { type ShippedMosquitto, startShippedMosquitto } from '../support/shipped-mosquitto';

/**
 * A gateway that dies while it relays a pile's stop report (here its session signal never returns) has not
 * acknowledged the report to the broker, so the gateway started again under its name relays it.
 */
const masterKey = 'gateway-restart-master-key-0123456789abcdef';
const topics = pileTopics();
const gatewayName = 'restart-gateway';
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

let f: GatewayFixture;
let broker: ShippedMosquitto;
let pile: MqttClient;
const gateways: RunningGateway[] = [];
/** Lets the signals of the gateway that died return, so that its remains can be stopped at the end. */
let releaseStalled = () => undefined as void;

beforeAll(async () => {
  f = await gatewayFixture({ pileCount: 1 });
  broker = await startShippedMosquitto({ masterKey, piles: f.pileIds, gateways: [gatewayName], commandSenders: [] });
  const pileId = f.pileIds[0];
  pile = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: pileId, ...mqttCredentials(masterKey, { role: 'pile', pileId }), reconnectPeriod: 0 });
}, 60_000);

afterAll(async () => {
  await pile?.endAsync();
  releaseStalled();
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await broker?.stop();
  await f?.close();
});

async function startNamedGateway(ctx: GatewayContext): Promise<RunningGateway> {
  const gateway = await startGateway(
    ctx,
    (take) => connectMqtt(broker.url, mqttCredentials(masterKey, { role: 'gateway', name: gatewayName }), { persistent: true, take }),
    { sharedGroup: 'evcp-gateway', heartbeatTimeoutMs: 90_000 },
  );
  gateways.push(gateway);
  return gateway;
}

it('relays a stop report that the gateway had taken but not relayed when it died, once it is started again', async () => {
  const pileId = f.pileIds[0];
  const sessionId = 'restart-session';
  await f.live.sessionOpened({ sessionId, userId: 'u1', pileId, stationId: f.stationId, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
  await f.live.chargingStarted(sessionId, 1_000, T0);

  let relaying!: () => void;
  const stopReportTaken = new Promise<void>((resolve) => (relaying = resolve));
  const stalled = new Promise<'session_closed'>((resolve) => (releaseStalled = () => resolve('session_closed')));
  const stalledSignals = {
    send: <T>(_sessionId: string, signal: SignalDefinition<[T]>) => {
      if (signal.name === 'chargingStopped') relaying();
      return stalled;
    },
  };
  const dying = await startNamedGateway({ ...f.ctx, signals: stalledSignals });
  const stop = { v: 1, msgId: 'restart-stop', ts: T0 + 60_000, event: 'sessionStopped', sessionId, meterStopWh: 1_500, reason: 'remote' };
  await pile.publishAsync(topics.uplink(pileId, 'event'), JSON.stringify(stop), { qos: 1 });
  await stopReportTaken;
  await dying.mqtt.endAsync(true);

  await startNamedGateway(f.ctx);
  for (let i = 0; i < 200 && !f.signals.named('chargingStopped').length; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(f.signals.named('chargingStopped')).toEqual([expect.objectContaining({ sessionId, payload: expect.objectContaining({ meterStopWh: 1_500 }) })]);
});
