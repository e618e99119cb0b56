import mqtt, { type MqttClient } from 'mqtt';
import { pileTopics } from '../../device-protocol/topics';
import { LiveWatchers, type WatcherPlan } from './live-watchers';
import { type Distribution, distribution } from './stats';

const topics = pileTopics();

export interface FanOutWindow {
  seconds: number;
  /** Every message the WebSocket clients received, per second. */
  deliveredPerSecond: number;
  /** Pile timestamp → WebSocket arrival, for the followed sessions' progress. */
  latency: Distribution;
  /** Samples the followed piles published (as the broker delivered them to a witness) in the window. */
  expected: number;
  /** Of those, the ones that did not reach a WebSocket client by the end of the grace period (lost, or too late). */
  lost: number;
}

/**
 * Watches the pile → WebSocket path for the sessions drivers follow: a witness subscribes to the same piles'
 * telemetry at the broker, so every sample they publish is either delivered to a socket or counted lost.
 */
export class FanOutProbe {
  private readonly witnessed: { key: string; ts: number }[] = [];
  private readonly delivered = new Map<string, number>(); // pileId|ts → latency
  private received: number[] = [];

  private constructor(
    private readonly witness: MqttClient,
    private readonly pileOfSession: Map<string, string>,
    private watchers?: LiveWatchers,
  ) {}

  static async attach(options: { mqttUrl: string; apiUrl: string; jwtSecret: string; followed: { pileId: string; sessionId: string }[]; plans: WatcherPlan[] }) {
    const witness = await mqtt.connectAsync(options.mqttUrl, { protocolVersion: 4, clean: true });
    const probe = new FanOutProbe(witness, new Map(options.followed.map((f) => [f.sessionId, f.pileId])));
    witness.on('message', (topic, payload) => {
      const pileId = topics.parseUplink(topic)?.pileId;
      const ts = JSON.parse(payload.toString()).ts as number;
      probe.witnessed.push({ key: `${pileId}|${ts}`, ts });
    });
    await witness.subscribeAsync(options.followed.map((f) => topics.uplink(f.pileId, 'telemetry')), { qos: 1 });
    probe.watchers = await LiveWatchers.connect(options.apiUrl, options.jwtSecret, options.plans, (message, receivedAt) => probe.take(message, receivedAt));
    return probe;
  }

  /** Measures for `seconds`, then waits `graceMs` for messages still on their way before counting losses. */
  async measure(seconds: number, graceMs: number): Promise<FanOutWindow> {
    this.witnessed.length = 0;
    this.delivered.clear();
    this.received = [];
    const from = Date.now();
    const to = from + seconds * 1000;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + graceMs));
    const inWindow = (t: number) => t >= from && t < to;
    const expected = this.witnessed.filter((w) => inWindow(w.ts));
    const latencies = [...this.delivered.entries()].filter(([key]) => inWindow(Number(key.split('|')[1]))).map(([, ms]) => ms);
    return {
      seconds,
      deliveredPerSecond: Math.floor(this.received.filter(inWindow).length / seconds),
      latency: distribution(latencies),
      expected: expected.length,
      lost: expected.filter((w) => !this.delivered.has(w.key)).length,
    };
  }

  async close(): Promise<void> {
    this.watchers?.close();
    await this.witness.endAsync();
  }

  private take(message: { type: string; sessionId?: string; at?: string }, receivedAt: number): void {
    this.received.push(receivedAt);
    if (message.type !== 'session.progress') return;
    const pileId = this.pileOfSession.get(message.sessionId!);
    // Progress carries the sample's pile time as ISO 8601; the witness keyed it by the telemetry's epoch ms.
    const sampledAt = Date.parse(message.at!);
    if (pileId) this.delivered.set(`${pileId}|${sampledAt}`, receivedAt - sampledAt);
  }
}

/** The baseline: the same piles' telemetry straight to one subscriber, subscribed as the gateway is. */
export async function measureBrokerPath(mqttUrl: string, seconds: number, warmupMs: number): Promise<{ perSecond: number; latency: Distribution }> {
  const client = await mqtt.connectAsync(mqttUrl, { protocolVersion: 4, clean: true });
  const latencies: number[] = [];
  let measuring = false;
  client.on('message', (_topic, payload) => {
    const receivedAt = Date.now();
    const { ts } = JSON.parse(payload.toString()) as { ts: number };
    if (measuring) latencies.push(receivedAt - ts);
  });
  await client.subscribeAsync(`$share/bench-baseline/${topics.root}/+/telemetry`, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  measuring = false;
  await client.endAsync();
  return { perSecond: Math.floor(latencies.length / seconds), latency: distribution(latencies) };
}
