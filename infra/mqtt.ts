import fs from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { MqttCredentials } from '../device-protocol/mqtt-accounts';
import { InOrderAcks } from './in-order-acks';

export type { MqttClient };

export interface MqttConnectOptions {
  /** Keep the session (clean=false): the broker queues QoS 1 messages for this client id while it is away. */
  persistent?: boolean;
  /** PEM file of the CA that signed the broker's certificate (mqtts://); unset: the system's trusted CAs. */
  caFile?: string;
  /**
   * Takes every message from the start (takeMessages): a persistent session's queued messages arrive right after
   * CONNACK, before the connection's promise resolves.
   */
  take?: MessageTaker;
}

/** A message taken off a connection. */
export interface TakenMessage {
  topic: string;
  payload: Buffer;
  /**
   * Call once the message is handled (or given up on): a QoS 1 message is acknowledged to the broker only then, so
   * one that a crashed process had taken but not handled is delivered again. Idempotent; nothing to send for QoS 0.
   */
  settle(): void;
}

/** Receives each message; the connection reads its next packet only once `readNext` is called (backpressure). */
export type MessageTaker = (message: TakenMessage, readNext: () => void) => void;

/** TLS settings of an mqtts:// connection: the broker's certificate is always verified, against `caFile` if given. */
export function mqttTlsOptions(caFile: string | undefined): { ca?: Buffer; rejectUnauthorized: true } {
  return { ...(caFile ? { ca: fs.readFileSync(caFile) } : {}), rejectUnauthorized: true };
}

/**
 * A platform-side MQTT connection (gateway, worker). MQTT 3.1.1: shared subscriptions work on Mosquitto and EMQX.
 * The client id is the account's username: brokers tie the id to the credentials (the embedded broker refuses
 * any other id, Mosquitto runs with `use_username_as_clientid`), so no one can take over the connection of a
 * gateway without its credentials. With `persistent` the session survives a restart: the broker keeps QoS 1
 * messages (pile events, acks) for it while it is down and delivers them when it, or a gateway adopting it, comes
 * back under the same id (device-gateway/session-adoption.ts).
 */
export async function connectMqtt(url: string, credentials: MqttCredentials, options: MqttConnectOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId: credentials.username,
    username: credentials.username,
    password: credentials.password,
    protocolVersion: 4,
    clean: !options.persistent,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...mqttTlsOptions(options.caFile),
  });
  if (options.take) takeMessages(client, options.take);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  return client;
}

/**
 * Hands every message of `client` to `take`, reading on while QoS 1 messages are still being handled, and sends each
 * QoS 1 message's PUBACK once it is settled, in the order the messages arrived (MQTT 3.1.1 §4.6), so a slow message
 * holds back the acknowledgements of later ones but never the reading. A message settled after its connection was
 * lost is not acknowledged: the broker delivers it again on the next connection of the session.
 *
 * mqtt.js documents `handleMessage` as the place to hold a message's PUBACK until it is handled, but its callback
 * also releases the next packet, which would let one message at a time be handled. So this sends the PUBACK itself
 * (with the client's own `_sendPacket`), and releases the next packet by passing the callback an error, for which
 * mqtt.js 5 skips the PUBACK and goes on reading (handlers/publish.js). test/integration/mqtt-acks.test.ts proves
 * both against a real broker: an mqtt.js that changes either fails it.
 */
export function takeMessages(client: MqttClient, take: MessageTaker): void {
  const acksOfConnection = new WeakMap<object, InOrderAcks>();
  const sendPacket = (client as unknown as { _sendPacket(packet: object, cb: () => void): void })._sendPacket.bind(client);
  client.handleMessage = (packet, callback) => {
    const { topic, qos, messageId } = packet;
    const payload = packet.payload as Buffer;
    if (qos !== 1 || messageId === undefined) {
      take({ topic, payload, settle: nothingToAcknowledge }, () => callback());
      return;
    }
    const stream = client.stream;
    let acks = acksOfConnection.get(stream);
    if (!acks) {
      acks = new InOrderAcks((id) => {
        if (client.stream === stream && client.connected) sendPacket({ cmd: 'puback', messageId: id }, () => undefined);
      });
      acksOfConnection.set(stream, acks);
    }
    const settle = acks.expect(messageId);
    take({ topic, payload, settle }, () => callback(ACK_DEFERRED));
  };
}

const ACK_DEFERRED = new Error('PUBACK deferred until the message is settled (takeMessages)');
/** The `settle` of a QoS 0 message: one function for all, not one per telemetry sample. */
const nothingToAcknowledge = () => undefined;
