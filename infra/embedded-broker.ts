import net from 'node:net';
import { createBroker } from 'aedes';
import type { AuthenticateError, Client } from 'aedes';
import { authenticateMqtt, mayPublish, mayReceive, maySubscribe, type MqttAccount } from '../device-protocol/mqtt-accounts';
import type { PileTopics } from '../device-protocol/topics';

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  port: number;
  /** Every client's password is derived from it (device-protocol/mqtt-accounts.ts). */
  masterKey: string;
  topics: PileTopics;
}

/** CONNACK 5, "not authorized": aedes closes the connection after sending it. */
function refused(): AuthenticateError {
  return Object.assign(new Error('not authorized'), { returnCode: 5 });
}

/**
 * An in-process MQTT broker (aedes) for the single-process embedded mode, listening on loopback only. It has no
 * shared subscriptions, so the embedded gateway subscribes without a group. Every client authenticates and is
 * held to its account's rules: a refused publish closes the connection (a refused will is dropped), a refused subscription is answered with failure
 * (0x80), and each delivery is checked again, so neither a filter nor a retained message reaches past them.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { masterKey, topics } = options;
  const accounts = new WeakMap<Client, MqttAccount>();
  const broker = createBroker({
    authenticate(client, username, password, done) {
      const account = authenticateMqtt(masterKey, { username, password, clientId: client.id });
      if (!account) return done(refused(), false);
      accounts.set(client, account);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // Without a client the broker itself publishes ($SYS); a client's will is checked here too.
      const account = client && accounts.get(client);
      if (client && !(account && mayPublish(account, topics, packet.topic))) return done(new Error(`publish to ${packet.topic} refused`));
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const account = accounts.get(client);
      done(null, account && maySubscribe(account, topics, subscription.topic) ? subscription : null);
    },
    authorizeForward(client, packet) {
      const account = accounts.get(client);
      return account && mayReceive(account, topics, packet.topic) ? packet : null;
    },
  });
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`MQTT_PORT ${options.port} is already in use (is another broker running there?). Set MQTT_PORT to a free port, or MQTT_URL to use that broker.`)
          : error,
      ),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
