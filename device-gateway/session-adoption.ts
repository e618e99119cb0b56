import type { MessageTaker, MqttClient } from '../infra/mqtt';
import { hotKeys } from '../infra/hot-state/keys';
import type { PileTopics } from '../device-protocol/topics';
import type { GatewayContext } from './context';
import type { UplinkConsumer } from './gateway';

export interface AdoptionOptions {
  /** This gateway's own name, never adopted by itself. */
  ownName: string;
  leaseMs: number;
  sharedGroup: string;
  /** Opens the persistent MQTT session of a gateway name (its credentials derive from the master key). */
  connectAs: (name: string, take: MessageTaker) => Promise<MqttClient>;
  /** The broker has delivered what a session held once no message came for this long. */
  quietMs?: number;
}

/**
 * Nothing a pile sends waits for a gateway that is gone. Mosquitto keeps queueing a departed gateway's share of the
 * shared subscription in its persistent session (and keeps the messages it was sent but never acknowledged); a live
 * gateway notices the departure when the name's lease lapses (or is handed over by a clean stop), takes the name's
 * lease, opens that session under the name, unsubscribes it from the group so nothing more is queued there, handles
 * everything it holds (gateways acknowledge a QoS 1 message only once handled, so that includes what the departed
 * one had taken and not finished), and replays the piles' retained statuses: what the broker itself lost (a crash
 * between its saves) is repaired by each pile's latest status (connector freed, idle at its meter).
 */
export class DepartedGateways {
  private readonly quietMs: number;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly uplinks: UplinkConsumer,
    private readonly options: AdoptionOptions,
  ) {
    this.quietMs = options.quietMs ?? 1000;
  }

  /** Adopts every departed gateway's session; returns the names adopted. */
  async sweep(): Promise<string[]> {
    const { hot, clock } = this.ctx;
    const departed = await hot.membersScoredBelow(hotKeys.gatewaysKnown, clock() - this.options.leaseMs, 100);
    const adopted: string[] = [];
    for (const name of departed) {
      if (name === this.options.ownName) continue;
      // Held: the gateway is back, or another gateway adopts it right now. Held long enough for a slow adoption.
      const token = `adopted-by:${this.options.ownName}`;
      if (!(await hot.setIfAbsent(hotKeys.gatewayLease(name), token, 10 * this.options.leaseMs))) continue;
      try {
        await this.adopt(name);
        await hot.scoreRemove(hotKeys.gatewaysKnown, name);
        adopted.push(name);
      } finally {
        await hot.deleteIfHeld(hotKeys.gatewayLease(name), token);
      }
    }
    return adopted;
  }

  private async adopt(name: string): Promise<void> {
    const client = await this.options.connectAs(name, this.uplinks.take);
    try {
      await client.unsubscribeAsync(this.ctx.topics.gatewaySubscriptions(this.options.sharedGroup));
      await this.handleUntilQuiet(client);
      await replayRetainedStatuses(client, this.ctx.topics);
      await this.uplinks.drain();
    } finally {
      await client.endAsync();
    }
    this.ctx.metrics.adoptedSessions.inc();
    this.ctx.logger.warn({ gateway: name }, 'adopted the MQTT session of a departed gateway: its pile messages are handled here');
  }

  /**
   * Handles what the session holds until the broker has nothing more for it. The broker sends a few QoS 1 messages
   * at a time and the next ones only as these are acknowledged, i.e. handled: done once a whole quiet period after
   * everything taken was handled brought nothing.
   */
  private async handleUntilQuiet(client: MqttClient): Promise<void> {
    let received: boolean;
    const noteReceived = () => (received = true);
    client.on('message', noteReceived);
    try {
      do {
        received = false;
        await untilQuiet(client, this.quietMs);
        await this.uplinks.drain();
      } while (received);
    } finally {
      client.off('message', noteReceived);
    }
  }
}

/**
 * Brings every pile's retained status (its latest state, session and meter) to `client` once. The router skips
 * those already handled; the rest catch the platform up with what the piles last said. QoS 0, so that the broker
 * sends the retained messages at once, ahead of the UNSUBACK: once the unsubscription is acknowledged, every
 * retained status has been received (live statuses keep coming on the shared subscription meanwhile).
 */
export async function replayRetainedStatuses(client: MqttClient, topics: PileTopics): Promise<void> {
  const filter = `${topics.root}/+/status`;
  await client.subscribeAsync(filter, { qos: 0 });
  await client.unsubscribeAsync(filter);
}

/** Resolves once `client` has received no message for `quietMs`. */
function untilQuiet(client: MqttClient, quietMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(done, quietMs);
    function restart() {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    }
    function done() {
      client.off('message', restart);
      resolve();
    }
    client.on('message', restart);
  });
}
