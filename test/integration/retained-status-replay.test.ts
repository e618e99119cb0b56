import mqtt from 'mqtt';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { pileTopics } from '../../device-protocol/topics';
import { replayRetainedStatuses } from '../../device-gateway/session-adoption';
import { connectMqtt } from '../../infra/mqtt';
import { type ShippedMosquitto, startShippedMosquitto } from '../support/shipped-mosquitto';

/**
 * A gateway that (re)starts or adopts a departed gateway's session catches up from every pile's retained status. The
 * replay must end with every retained status received, however busy the broker is with live statuses meanwhile.
 */
const masterKey = 'retained-status-replay-master-key-0123456789';
const topics = pileTopics();
const piles = Array.from({ length: 40 }, (_, i) => `replay-pile-${i}`);
let broker: ShippedMosquitto;

beforeAll(async () => {
  broker = await startShippedMosquitto({ masterKey, piles, gateways: ['replay-gateway'], commandSenders: [] });
}, 30_000);

afterAll(() => broker?.stop());

it('has received every retained status once the replay returns, while piles keep publishing', async () => {
  const connections = await Promise.all(piles.map((pileId) => mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: pileId, ...mqttCredentials(masterKey, { role: 'pile', pileId }), reconnectPeriod: 0 })));
  await Promise.all(connections.map((pile, i) => pile.publishAsync(topics.uplink(piles[i], 'status'), `retained-${piles[i]}`, { qos: 1, retain: true })));
  const chatter = setInterval(() => void connections[0].publishAsync(topics.uplink(piles[0], 'status'), 'live', { qos: 0 }), 2);
  const received = new Set<string>();
  const gateway = await connectMqtt(broker.url, mqttCredentials(masterKey, { role: 'gateway', name: 'replay-gateway' }), {
    take: ({ payload, settle }, readNext) => {
      received.add(payload.toString());
      settle();
      readNext();
    },
  });
  try {
    await replayRetainedStatuses(gateway, topics);
    expect(piles.filter((pileId) => !received.has(`retained-${pileId}`))).toEqual([]);
  } finally {
    clearInterval(chatter);
    await gateway.endAsync();
    await Promise.all(connections.map((pile) => pile.endAsync()));
  }
});
