import mqtt, { type MqttClient } from 'mqtt';
import type { MqttCredentials } from '../device-protocol/mqtt-accounts';

export type { MqttClient };

/**
 * A platform-side MQTT connection (gateway, worker). MQTT 3.1.1: shared subscriptions work on Mosquitto and EMQX.
 * The client id is the account's username: brokers tie the id to the credentials (the embedded broker refuses
 * any other id, Mosquitto runs with `use_username_as_clientid`), so no one can take over the connection of a
 * gateway without its credentials. With `persistent` the session survives a restart: the broker keeps QoS 1
 * messages (pile events, acks) for it while it is down and delivers them when it comes back under the same id.
 */
export function connectMqtt(url: string, credentials: MqttCredentials, options: { persistent?: boolean } = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: credentials.username,
    username: credentials.username,
    password: credentials.password,
    protocolVersion: 4,
    clean: !options.persistent,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
}
