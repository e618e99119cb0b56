import { randomUUID } from 'node:crypto';
import type { OcppTransactions } from '../db/ocpp-transactions';
import type { RegisteredPile } from '../db/pile-registry';
import type { UplinkMessages } from '../device-protocol/messages';
import type { UplinkKind } from '../device-protocol/topics';
import type { GatewayContext } from '../device-gateway/context';
import type { PilePresence } from '../device-gateway/presence';
import { type Outcome, routeMessage } from '../device-gateway/routing';

/** Everything an OCPP handler may use; built once by the central system's composition root. */
export interface OcppContext {
  /** The device gateway's context: live state, session records, signals, alarms, metrics, plausibility. */
  gateway: GatewayContext;
  presence: PilePresence;
  transactions: Pick<OcppTransactions, 'begin' | 'byId' | 'ofSession' | 'stopped'>;
  heartbeatIntervalS: number;
}

/** What the central system knows about one connected charger. */
export interface ChargerConnection {
  pile: RegisteredPile;
  /** When this WebSocket was accepted (platform clock): a status of an older connection is stale. */
  connectedAt: number;
}

export type OcppHandler<P = Record<string, unknown>, R = Record<string, unknown>> = (ctx: OcppContext, charger: ChargerConnection, params: P) => Promise<R>;

/** A message of ours without its envelope (distributed over a union such as the events). */
type Body<M> = M extends unknown ? Omit<M, 'v' | 'msgId' | 'ts'> & { ts: number } : never;

/**
 * An OCPP message is the same fact as one of our protocol's uplinks: it goes through the gateway's own route
 * (validation, de-duplication by `msgId`, presence, the one handler of that fact, metrics, retries). `msgId` is
 * stable for facts a charger may repeat (a StopTransaction it never saw answered), random otherwise.
 */
export function deliver<K extends UplinkKind>(
  ctx: OcppContext,
  pileId: string,
  kind: K,
  message: Body<UplinkMessages[K]>,
  msgId: string = randomUUID(),
): Promise<Outcome> {
  const topic = ctx.gateway.topics.uplink(pileId, kind);
  return routeMessage(ctx.gateway, ctx.presence, topic, Buffer.from(JSON.stringify({ v: 1, msgId, ...message })));
}

/** An OCPP timestamp (ISO 8601, validated by the schema) as epoch ms; the platform clock when absent or not a date. */
export function epochMs(ctx: OcppContext, timestamp: string | undefined): number {
  const at = timestamp === undefined ? NaN : Date.parse(timestamp);
  return Number.isFinite(at) && at > 0 ? at : ctx.gateway.clock();
}
