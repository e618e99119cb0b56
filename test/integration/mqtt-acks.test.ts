import mqtt, { type MqttClient } from 'mqtt';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { pileTopics } from '../../device-protocol/topics';
import { type TakenMessage, connectMqtt } from '../../infra/mqtt';
import { type ShippedMosquitto, startShippedMosquitto } from '../support/shipped-mosquitto';

/**
 * A platform connection taking its messages with `take` (infra/mqtt.ts, takeMessages) against the shipped Mosquitto:
 * a QoS 1 message is acknowledged only once settled, in arrival order, while reading goes on; what was not settled
 * is delivered again to the session's next connection. These are the mqtt.js behaviours takeMessages relies on.
 */
const masterKey = 'mqtt-acks-master-key-0123456789abcdef0123';
const topics = pileTopics();
const pileId = 'acks-pile-1';
/** A gateway name per test, so that no test's session holds what another left. */
const gatewayNames = ['acks-1', 'acks-2', 'acks-3', 'acks-4', 'acks-5'];
let broker: ShippedMosquitto;
let pile: MqttClient;

beforeAll(async () => {
  broker = await startShippedMosquitto({ masterKey, piles: [pileId], gateways: gatewayNames, commandSenders: [] });
  pile = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: pileId, ...mqttCredentials(masterKey, { role: 'pile', pileId }), reconnectPeriod: 0 });
}, 30_000);

afterAll(async () => {
  await pile?.endAsync();
  await broker?.stop();
});

/** A persistent gateway session whose messages wait in `taken` until the test settles them. */
async function gatewaySession(gatewayName: string) {
  const taken: TakenMessage[] = [];
  const arrivals: (() => void)[] = [];
  const client = await connectMqtt(broker.url, mqttCredentials(masterKey, { role: 'gateway', name: gatewayName }), {
    persistent: true,
    take: (message, readNext) => {
      taken.push(message);
      arrivals.splice(0).forEach((arrived) => arrived());
      readNext();
    },
  });
  await client.subscribeAsync(topics.gatewaySubscriptions(''), { qos: 1 });
  const pubacks: number[] = [];
  const messageIds = new Map<string, number>();
  client.on('packetsend', (packet) => packet.cmd === 'puback' && pubacks.push(packet.messageId!));
  client.on('packetreceive', (packet) => packet.cmd === 'publish' && packet.qos === 1 && messageIds.set(packet.payload.toString(), packet.messageId!));
  /** Resolves once `count` messages in all have been taken. */
  const takenCount = async (count: number) => {
    while (taken.length < count) await new Promise<void>((resolve) => arrivals.push(resolve));
    return taken.map((m) => m.payload.toString());
  };
  return { client, taken, pubacks, messageIds, takenCount };
}

const publish = (kind: 'event' | 'telemetry', body: string, qos: 0 | 1) => pile.publishAsync(topics.uplink(pileId, kind), body, { qos });

async function eventually(condition: () => boolean) {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(condition()).toBe(true);
}

it('reads on while a QoS 1 message waits to be settled', async () => {
  const session = await gatewaySession('acks-1');
  try {
    await publish('event', 'held', 1);
    await publish('telemetry', 'sample', 0);
    await publish('event', 'next', 1);
    expect(await session.takenCount(3)).toEqual(['held', 'sample', 'next']);
    expect(session.pubacks).toEqual([]);
    session.taken.forEach((m) => m.settle());
  } finally {
    await session.client.endAsync();
  }
});

it('acknowledges QoS 1 messages in the order they arrived, each once every earlier one is settled', async () => {
  const session = await gatewaySession('acks-2');
  try {
    await publish('event', 'first', 1);
    await publish('event', 'second', 1);
    await session.takenCount(2);
    session.taken[1].settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(session.pubacks).toEqual([]);
    session.taken[0].settle();
    await eventually(() => session.pubacks.length === 2);
    expect(session.pubacks).toEqual([session.messageIds.get('first'), session.messageIds.get('second')]);
  } finally {
    await session.client.endAsync();
  }
});

it('delivers a QoS 1 message taken but not settled again to the next connection of the session', async () => {
  const first = await gatewaySession('acks-3');
  await publish('event', 'stop report', 1);
  await first.takenCount(1);
  await first.client.endAsync(true);

  const second = await gatewaySession('acks-3');
  try {
    expect(await second.takenCount(1)).toEqual(['stop report']);
    second.taken[0].settle();
  } finally {
    await second.client.endAsync();
  }
});

it('does not deliver a settled QoS 1 message again', async () => {
  const first = await gatewaySession('acks-4');
  await publish('event', 'handled', 1);
  await first.takenCount(1);
  first.taken[0].settle();
  await eventually(() => first.pubacks.length === 1);
  await first.client.endAsync();

  const second = await gatewaySession('acks-4');
  try {
    await publish('event', 'marker', 1);
    expect(await second.takenCount(1)).toEqual(['marker']);
    second.taken[0].settle();
  } finally {
    await second.client.endAsync();
  }
});

it('does not acknowledge on its new connection a message settled after the connection it came on was lost', async () => {
  const session = await gatewaySession('acks-5');
  try {
    await publish('event', 'late', 1);
    await session.takenCount(1);
    session.client.stream.destroy();
    // mqtt.js reconnects the session; the broker delivers the unacknowledged message again, under its message id.
    expect(await session.takenCount(2)).toEqual(['late', 'late']);
    session.taken[0].settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(session.pubacks).toEqual([]);
    session.taken[1].settle();
    await eventually(() => session.pubacks.length === 1);
    expect(session.pubacks).toEqual([session.messageIds.get('late')]);
  } finally {
    await session.client.endAsync();
  }
});
