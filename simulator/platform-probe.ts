import { EventEmitter } from 'node:events';
import { connectAsync, type MqttClient } from 'mqtt';
import { parseUplink, type UplinkMessages } from '../device-protocol/messages';
import { COMMAND_QOS, pileTopics, type UplinkKind } from '../device-protocol/topics';

/** The broker the simulator tests talk to. */
export const testMqttUrl = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';

/** The test broker carries the default topics. */
const topics = pileTopics();

type Received = { kind: UplinkKind; message: UplinkMessages[UplinkKind] };

/**
 * Plays the platform's side of one pile in tests: records everything the pile publishes, validated with the
 * protocol schemas (failures land in `invalid`), and sends it commands.
 */
export class PlatformProbe {
  readonly received: Received[] = [];
  readonly invalid: { topic: string; error: string }[] = [];
  private readonly arrivals = new EventEmitter();

  private constructor(
    private readonly client: MqttClient,
    readonly pileId: string,
  ) {
    client.on('message', (topic, payload) => this.record(topic, payload));
  }

  static async attach(pileId: string, mqttUrl = testMqttUrl): Promise<PlatformProbe> {
    const client = await connectAsync(mqttUrl, { protocolVersion: 4, clean: true }, false);
    const probe = new PlatformProbe(client, pileId);
    await client.subscribeAsync(topics.allOfPile(pileId), { qos: 1 });
    return probe;
  }

  messages<K extends UplinkKind>(kind: K): UplinkMessages[K][] {
    return this.received.filter((r) => r.kind === kind).map((r) => r.message as UplinkMessages[K]);
  }

  async sendCommand(token: string): Promise<void> {
    await this.client.publishAsync(topics.command(this.pileId), token, { qos: COMMAND_QOS });
  }

  waitFor<K extends UplinkKind>(kind: K, matches: (message: UplinkMessages[K]) => boolean = () => true, timeoutMs?: number): Promise<UplinkMessages[K]> {
    return this.until(() => this.messages(kind).find(matches), timeoutMs, `a matching ${kind} message`);
  }

  /** Resolves with the first defined value `find` returns, checked now and on every message that arrives. */
  until<T>(find: () => T | undefined, timeoutMs = 3000, what = 'the expected messages'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found === undefined) return;
        finish();
        resolve(found);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${this.pileId}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.arrivals.off('message', check);
      };
      this.arrivals.on('message', check);
      check();
    });
  }

  /** Clears the pile's retained status so test piles do not pile up in the broker, then disconnects. */
  async close(): Promise<void> {
    await this.client.unsubscribeAsync(topics.allOfPile(this.pileId));
    await this.client.publishAsync(topics.uplink(this.pileId, 'status'), '', { qos: 1, retain: true });
    await this.client.endAsync();
  }

  private record(topic: string, payload: Buffer): void {
    const route = topics.parseUplink(topic);
    if (!route) return; // the commands this probe sent
    const parsed = parseUplink(route.kind, payload);
    if (parsed.ok) this.received.push({ kind: route.kind, message: parsed.message });
    else this.invalid.push({ topic, error: parsed.error });
    this.arrivals.emit('message');
  }
}
