import { randomUUID } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { derivePileSecret } from '../../device-protocol/commands';
import { type MqttCredentials, mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { type PileTopics } from '../../device-protocol/topics';

/**
 * The access rules every broker of the platform enforces (device-protocol/mqtt-accounts.ts), as one set
 * of scenarios run against the embedded broker and against Mosquitto with the shipped configuration. A refused
 * publish or delivery is silent on Mosquitto, so non-delivery is observed with a barrier: a message the observer
 * may receive, sent after the refused one has been processed; when it arrives, anything refused would have too.
 */
export interface BrokerUnderTest {
  url: string;
  masterKey: string;
  topics: PileTopics;
  /** Shared-subscription group of the gateway; empty where the broker has none. */
  sharedGroup: string;
  /** Options every client connects with (the CA of a TLS listener). */
  connectOptions?: IClientOptions;
}

/** The accounts the scenarios use; a broker with a password file must list them. */
export const ACCESS_ACCOUNTS = { piles: ['pile-a', 'pile-b'], gateway: 'test-gateway', commands: 'test-worker' } as const;

export interface Observed {
  client: MqttClient;
  messages: { topic: string; payload: string; retain: boolean }[];
}

export function brokerClients(broker: BrokerUnderTest) {
  const open: MqttClient[] = [];
  const connect = async (credentials: Partial<MqttCredentials> & { clientId?: string }, extra: IClientOptions = {}): Promise<Observed> => {
    const client = await mqtt.connectAsync(broker.url, {
      protocolVersion: 4,
      clientId: credentials.clientId ?? credentials.username,
      username: credentials.username,
      password: credentials.password,
      reconnectPeriod: 0,
      ...broker.connectOptions,
      ...extra,
    });
    open.push(client);
    const observed: Observed = { client, messages: [] };
    client.on('message', (topic, payload, packet) => observed.messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
    return observed;
  };
  const pile = (pileId: string, extra?: IClientOptions) => connect(mqttCredentials(broker.masterKey, { role: 'pile', pileId }), extra);
  const gateway = async () => {
    const observed = await connect(mqttCredentials(broker.masterKey, { role: 'gateway', name: ACCESS_ACCOUNTS.gateway }));
    await observed.client.subscribeAsync(broker.topics.gatewaySubscriptions(broker.sharedGroup), { qos: 1 });
    return observed;
  };
  const commands = () => connect(mqttCredentials(broker.masterKey, { role: 'commands', name: ACCESS_ACCOUNTS.commands }));
  return {
    connect,
    pile,
    gateway,
    commands,
    async closeAll() {
      await Promise.all(open.splice(0).map((client) => client.endAsync(true)));
    },
  };
}

/**
 * Waits until the broker has processed everything this client sent before (an UNSUBSCRIBE is acknowledged in
 * order, and needs no rights), or until the broker closed the connection over it.
 */
export async function processed(client: MqttClient): Promise<void> {
  if (!client.connected) return;
  // The unsubscribe fails when the connection closes first: the broker has processed everything then as well.
  await Promise.race([client.unsubscribeAsync('barrier/none').catch(() => undefined), new Promise<void>((resolve) => client.once('close', () => resolve()))]);
}

/** Subscribes; a refused subscription (granted 0x80) is what the rules may answer, not a failure of the test. */
async function subscribeIfAllowed(client: MqttClient, filter: string): Promise<void> {
  await client.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
}

/** Publishes `barrier` with `sender` and resolves when `observer` has received it. */
export async function barrier(observer: Observed, sender: MqttClient, topic: string): Promise<void> {
  const marker = `barrier-${randomUUID()}`;
  const arrived = new Promise<void>((resolve) => {
    const check = (_topic: string, payload: Buffer) => {
      if (payload.toString() !== marker) return;
      observer.client.off('message', check);
      resolve();
    };
    observer.client.on('message', check);
  });
  await sender.publishAsync(topic, marker, { qos: 1 });
  await arrived;
}

/** The scenarios; `broker()` is read when each test runs, after the caller's beforeAll started the broker. */
export function describeBrokerAccess(broker: () => BrokerUnderTest): void {
  let clients: ReturnType<typeof brokerClients>;
  const [pileA, pileB] = ACCESS_ACCOUNTS.piles;
  beforeEach(() => {
    clients = brokerClients(broker());
  });
  afterEach(() => clients.closeAll());

  it('refuses a client without credentials', async () => {
    await expect(clients.connect({ clientId: 'anonymous-client' })).rejects.toThrow();
  });

  it('refuses a pile whose password was derived from another master key', async () => {
    const forged = mqttCredentials('another-master-key-of-at-least-32-chars', { role: 'pile', pileId: pileA });
    await expect(clients.connect(forged)).rejects.toThrow();
  });

  it("refuses a pile that presents its command-signing secret as its MQTT password", async () => {
    await expect(clients.connect({ username: pileA, password: derivePileSecret(broker().masterKey, pileA) })).rejects.toThrow();
  });

  it("delivers nothing a pile publishes on another pile's topics, retained or not", async () => {
    const { topics } = broker();
    const gateway = await clients.gateway();
    const a = await clients.pile(pileA);
    const b = await clients.pile(pileB);
    // The embedded broker closes the connection at the first refused publish; Mosquitto drops each one silently.
    const forged = (['status', 'event', 'telemetry', 'ack'] as const).map((kind) =>
      a.client.publishAsync(topics.uplink(pileB, kind), 'forged-by-a', { qos: 0, retain: kind === 'status' }).catch(() => undefined),
    );
    await processed(a.client);
    await Promise.all(forged);
    await barrier(gateway, b.client, topics.uplink(pileB, 'heartbeat'));
    const later = await clients.gateway();
    await barrier(later, b.client, topics.uplink(pileB, 'heartbeat'));
    expect([...gateway.messages, ...later.messages].filter((m) => m.payload === 'forged-by-a')).toEqual([]);
  });

  it("never lets a pile read another pile's commands, retained ones included, nor anything through wildcards or $SYS", async () => {
    const { topics } = broker();
    const sender = await clients.commands();
    await sender.client.publishAsync(topics.command(pileB), 'retained-for-b', { qos: 1, retain: true });
    const a = await clients.pile(pileA);
    for (const filter of [topics.command(pileB), '#', `${topics.root}/+/command`, `${topics.root}/${pileB}/+`, '$SYS/#', topics.command(pileA)]) {
      await subscribeIfAllowed(a.client, filter);
    }
    await sender.client.publishAsync(topics.command(pileB), 'for-b', { qos: 1 });
    await barrier(a, sender.client, topics.command(pileA));
    expect(a.messages.filter((m) => m.topic !== topics.command(pileA))).toEqual([]);
    await sender.client.publishAsync(topics.command(pileB), '', { qos: 1, retain: true });
  });

  it("never lets a pile read another pile's uplinks: only gateways read them", async () => {
    const { topics } = broker();
    const sender = await clients.commands();
    const a = await clients.pile(pileA);
    const b = await clients.pile(pileB);
    for (const filter of [topics.uplink(pileB, 'telemetry'), `${topics.root}/+/telemetry`, `$share/any/${topics.root}/+/telemetry`]) {
      await subscribeIfAllowed(a.client, filter);
    }
    await b.client.publishAsync(topics.uplink(pileB, 'telemetry'), 'b-telemetry', { qos: 1 });
    await a.client.subscribeAsync(topics.command(pileA), { qos: 1 });
    await barrier(a, sender.client, topics.command(pileA));
    expect(a.messages.filter((m) => m.payload === 'b-telemetry')).toEqual([]);
  });

  /**
   * A pile connects with `will`, its connection dies without a DISCONNECT, and the pile comes back under the same
   * id: the broker has dealt with the old connection's will by then, so the new one's heartbeat is the barrier.
   */
  async function dropWithWill(pileId: string, willTopic: string): Promise<Observed> {
    const gateway = await clients.gateway();
    const dying = await clients.pile(pileId, { will: { topic: willTopic, payload: Buffer.from(`will-of-${pileId}`), qos: 1, retain: false } });
    dying.client.stream.destroy();
    const back = await clients.pile(pileId);
    await barrier(gateway, back.client, broker().topics.uplink(pileId, 'heartbeat'));
    return gateway;
  }

  it("publishes a pile's last will on its own status topic", async () => {
    const gateway = await dropWithWill(pileA, broker().topics.uplink(pileA, 'status'));
    expect(gateway.messages.filter((m) => m.payload === `will-of-${pileA}`)).toHaveLength(1);
  });

  it("never publishes a last will that a pile set on another pile's topic", async () => {
    const gateway = await dropWithWill(pileA, broker().topics.uplink(pileB, 'status'));
    expect(gateway.messages.filter((m) => m.payload === `will-of-${pileA}`)).toEqual([]);
  });

  it("keeps the gateway connected when another connection claims its client id without the gateway's credentials", async () => {
    const { topics } = broker();
    const gateway = await clients.gateway();
    let kicked = false;
    gateway.client.on('close', () => (kicked = true));
    const gatewayId = gateway.client.options.clientId;
    await clients.connect({ clientId: gatewayId }).catch(() => undefined);
    await clients.connect({ ...mqttCredentials(broker().masterKey, { role: 'pile', pileId: pileA }), clientId: gatewayId }).catch(() => undefined);
    const b = await clients.pile(pileB);
    await barrier(gateway, b.client, topics.uplink(pileB, 'status'));
    expect(kicked).toBe(false);
  });
}
