import net from 'node:net';
import { createBroker } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

/**
 * An in-process MQTT broker (aedes) for the single-process embedded mode. It has no shared subscriptions,
 * so the embedded gateway subscribes without a group. Listens on loopback only.
 */
export async function startEmbeddedBroker(port: number): Promise<EmbeddedBroker> {
  const broker = createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`MQTT_PORT ${port} is already in use (is another broker running there?). Set MQTT_PORT to a free port, or MQTT_URL to use that broker.`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
