import fs from 'node:fs';
import mqtt, { type MqttClient, type OnMessageCallback } from 'mqtt';
import type { MqttCredentials } from '../device-protocol/mqtt-accounts';

export type { MqttClient, OnMessageCallback };

export interface MqttConnectOptions {
  /** Keep the session (clean=false): the broker queues QoS 1 messages for this client id while it is away. */
  persistent?: boolean;
  /** PEM file of the CA that signed the broker's certificate (mqtts://); unset: the system's trusted CAs. */
  caFile?: string;
  /**
   * Listens before the connection is made: a persistent session's queued messages arrive right after CONNACK, and a
   * message emitted before anyone listens would be acknowledged and lost.
   */
  onMessage?: OnMessageCallback;
}

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
  if (options.onMessage) client.on('message', options.onMessage);
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
