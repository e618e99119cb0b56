import { randomUUID } from 'node:crypto';
import mqtt, { MqttClient } from 'mqtt';

export type { MqttClient };

/** A platform-side MQTT connection (gateway, worker). MQTT 3.1.1: shared subscriptions work on Mosquitto and EMQX. */
export function connectMqtt(url: string, role: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `evcp-${role}-${randomUUID().slice(0, 8)}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
}
