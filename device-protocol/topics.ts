/**
 * MQTT topic namespace of protocol v1 (docs/device-protocol.md), under the deployment's prefix
 * (MQTT_TOPIC_PREFIX, default `evcp`):
 *
 *   {prefix}/v1/piles/{pileId}/{status|heartbeat|telemetry|event|ack}   pile → platform
 *   {prefix}/v1/piles/{pileId}/command                                  platform → pile
 *
 * This module alone builds and parses topics; the broker ACLs (infra/embedded-broker.ts, ops/mosquitto) are
 * written from the same shapes.
 */
export const PROTOCOL_VERSION = 1;
export const DEFAULT_TOPIC_PREFIX = 'evcp';
/** One or more topic levels of letters, digits, `_` and `-`: no wildcard, no `$`, no empty level. */
export const TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

export const UPLINK_KINDS = ['status', 'heartbeat', 'telemetry', 'event', 'ack'] as const;
export type UplinkKind = (typeof UPLINK_KINDS)[number];
export const COMMAND_KIND = 'command';
export type PileTopicKind = UplinkKind | typeof COMMAND_KIND;

export type QoS = 0 | 1;

/** Which pile sent an uplink message, and of what kind (from its topic). */
export interface UplinkAddress {
  pileId: string;
  kind: UplinkKind;
}

/** Telemetry and heartbeats may be lost (the next sample supersedes them); everything else is QoS 1. */
export const UPLINK_QOS: Record<UplinkKind, QoS> = { status: 1, heartbeat: 0, telemetry: 0, event: 1, ack: 1 };
export const COMMAND_QOS: QoS = 1;

export const PILE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isUplinkKind = (kind: string): kind is UplinkKind => (UPLINK_KINDS as readonly string[]).includes(kind);

/** The topics of one deployment: every process builds one from MQTT_TOPIC_PREFIX and passes it down. */
export interface PileTopics {
  /** `{prefix}/v1/piles`, the parent of every pile's topics. */
  readonly root: string;
  uplink(pileId: string, kind: UplinkKind): string;
  command(pileId: string): string;
  /** Every topic of one pile (uplinks and commands): `{root}/{pileId}/+`. */
  allOfPile(pileId: string): string;
  /**
   * Gateways of one group share the uplink topics (shared subscription): each message reaches one gateway.
   * Without a group (a broker without shared subscriptions, e.g. the embedded one) the topics are plain.
   */
  gatewaySubscriptions(group: string): string[];
  parseUplink(topic: string): UplinkAddress | undefined;
  /** A concrete topic of one pile (no wildcard): its uplinks and its command topic. */
  parse(topic: string): { pileId: string; kind: PileTopicKind } | undefined;
}

export function pileTopics(prefix: string = DEFAULT_TOPIC_PREFIX): PileTopics {
  if (!TOPIC_PREFIX_PATTERN.test(prefix)) throw new Error(`invalid MQTT topic prefix "${prefix}"`);
  const root = `${prefix}/v${PROTOCOL_VERSION}/piles`;
  const parse = (topic: string): { pileId: string; kind: PileTopicKind } | undefined => {
    if (!topic.startsWith(`${root}/`)) return undefined;
    const [pileId, kind, ...rest] = topic.slice(root.length + 1).split('/');
    if (rest.length || !PILE_ID_PATTERN.test(pileId ?? '')) return undefined;
    if (kind !== COMMAND_KIND && !isUplinkKind(kind)) return undefined;
    return { pileId, kind };
  };
  return {
    root,
    uplink: (pileId, kind) => `${root}/${pileId}/${kind}`,
    command: (pileId) => `${root}/${pileId}/${COMMAND_KIND}`,
    allOfPile: (pileId) => `${root}/${pileId}/+`,
    gatewaySubscriptions: (group) => UPLINK_KINDS.map((kind) => `${group ? `$share/${group}/` : ''}${root}/+/${kind}`),
    parseUplink(topic) {
      const address = parse(topic);
      return address && address.kind !== COMMAND_KIND ? { pileId: address.pileId, kind: address.kind } : undefined;
    },
    parse,
  };
}
