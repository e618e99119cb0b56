import { randomUUID } from 'node:crypto';
import mqtt, { MqttClient } from 'mqtt';

export type { MqttClient };

/**
 * A platform-side MQTT connection (gateway, worker). MQTT 3.1.1: shared subscriptions work on Mosquitto and EMQX.
 * With a `persistentClientId` the session survives a restart: the broker keeps QoS 1 messages (pile events,
 * acks) for it while it is down and delivers them when it comes back under the same id.
 */
export function connectMqtt(url: string, role: string, persistentClientId?: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: persistentClientId ?? `evcp-${role}-${randomUUID().slice(0, 8)}`,
    protocolVersion: 4,
    clean: !persistentClientId,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
}
