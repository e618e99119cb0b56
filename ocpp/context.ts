import { randomUUID } from 'node:crypto';
import type { OcppTransactions } from '../db/ocpp-transactions';
import type { PileRegistry, RegisteredPile } from '../db/pile-registry';
import type { StationPowerCaps } from '../db/station-power-caps';
import type { LocalStarts } from './local-starts';
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
  /** A charger's connectors, read when it connects. */
  chargers: Pick<PileRegistry, 'connectorsOf'>;
  /** Stations' stored power caps, applied to a charger when it boots. */
  caps: Pick<StationPowerCaps, 'shareOf'>;
  /** Transactions started at a charger with an RFID card; unset: every card is refused. */
  localStarts?: Pick<LocalStarts, 'statusOf' | 'sessionFor' | 'admit'>;
  heartbeatIntervalS: number;
}

/**
 * What the central system knows about one connected charger (ADR 0011): the chargePointId it connected as and its
 * connectors, each a pile of the fleet that runs its own sessions. The socket is the charger's; facts are the piles'.
 */
export interface ChargerConnection {
  chargerId: string;
  /** Its connectors by connector number (from 1); at least one. */
  connectors: RegisteredPile[];
  /** When this WebSocket was accepted (platform clock): a status of an older connection is stale. */
  connectedAt: number;
}

/** The pile of connector `connectorId` of the charger; undefined for connector 0 and for a connector it does not have. */
export function connectorPile(charger: ChargerConnection, connectorId: number): RegisteredPile | undefined {
  return charger.connectors.find((pile) => pile.ocpp?.connectorId === connectorId);
}

/** The pile `pileId` when it is one of the charger's connectors: a fact about another pile never counts from it. */
export function chargerPile(charger: ChargerConnection, pileId: string): RegisteredPile | undefined {
  return charger.connectors.find((pile) => pile.pileId === pileId);
}

/** A fact about the whole charger (a boot, a heartbeat, connector 0 faulted, the socket closed), told to each connector's pile. */
export async function toEveryConnector(charger: ChargerConnection, fact: (pile: RegisteredPile) => Promise<unknown>): Promise<void> {
  for (const pile of charger.connectors) await fact(pile);
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
