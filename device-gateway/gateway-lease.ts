import { randomUUID } from 'node:crypto';
import type { HotState } from '../infra/hot-state';
import { hotKeys } from '../infra/hot-state/keys';
import type { Logger } from '../infra/logger';

export class GatewayNameTakenError extends Error {
  constructor(name: string, waitedMs: number) {
    super(
      `another gateway is running as GATEWAY_CLIENT_ID "${name}" (its lease in Redis stayed renewed for ${Math.round(waitedMs / 1000)} s). ` +
        'Two processes with one client id would take the MQTT session from each other: give each gateway its own GATEWAY_CLIENT_ID.',
    );
    this.name = 'GatewayNameTakenError';
  }
}

export interface GatewayLease {
  /** Stops renewing and hands the name over at once: its MQTT session is adopted without waiting for the lease to lapse. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  leaseMs: number;
  logger: Logger;
  /** Called when another process holds the name after all (Redis lost the lease): this process must stop. */
  onLost: () => void;
  clock?: () => number;
}

/**
 * One process per gateway name. A lease in Redis, renewed every third of its time, names the process that may use the
 * gateway's MQTT client id; the name's entry in `gateways:known` (scored by the last renewal) tells the other gateways
 * that its persistent session may hold pile messages. A name still leased after twice the lease time belongs to a
 * live process: starting again under it is refused. A name whose holder died is free once the lease lapses.
 */
export async function claimGatewayName(hot: HotState, name: string, options: LeaseOptions): Promise<GatewayLease> {
  const clock = options.clock ?? Date.now;
  const key = hotKeys.gatewayLease(name);
  const token = randomUUID();
  const waitMs = 2 * options.leaseMs;
  const startedAt = clock();
  while (!(await hot.setIfAbsent(key, token, options.leaseMs))) {
    if (clock() - startedAt >= waitMs) throw new GatewayNameTakenError(name, waitMs);
    await new Promise((resolve) => setTimeout(resolve, options.leaseMs / 4));
  }
  await hot.scoreSet(hotKeys.gatewaysKnown, name, clock());

  const renew = async () => {
    if (!(await hot.extendIfHeld(key, token, options.leaseMs))) {
      clearInterval(timer);
      options.logger.fatal({ name }, `lost the lease on GATEWAY_CLIENT_ID "${name}" to another process: stopping`);
      options.onLost();
      return;
    }
    await hot.scoreSet(hotKeys.gatewaysKnown, name, clock());
  };
  const timer = setInterval(() => {
    renew().catch((err: unknown) => options.logger.error({ err, name }, 'could not renew the gateway lease'));
  }, options.leaseMs / 3);

  return {
    async release() {
      clearInterval(timer);
      await hot.scoreSet(hotKeys.gatewaysKnown, name, 0);
      await hot.deleteIfHeld(key, token);
    },
  };
}

/**
 * How many gateways share the MQTT subscription, as this gateway last counted them (countLiveGateways); 1 until
 * counted. Work done per pile rather than per message (presence writes, checkpoint reads) is spread by it.
 */
export class SubscriptionShare {
  liveGateways = 1;
}

/**
 * Gateways whose lease was renewed within `leaseMs`, this one included (at least 1). Each of them hears every pile
 * in turn through the shared subscription, so work done per pile rather than per message can be split among them.
 */
export async function countLiveGateways(hot: HotState, leaseMs: number, now: number): Promise<number> {
  return Math.max(1, await hot.countScoredAtLeast(hotKeys.gatewaysKnown, now - leaseMs));
}
