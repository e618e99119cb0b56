/**
 * MQTT topic namespace of protocol v1 (docs/device-protocol.md):
 *
 *   evcp/v1/piles/{pileId}/{status|heartbeat|telemetry|event|ack}   pile → platform
 *   evcp/v1/piles/{pileId}/command                                  platform → pile
 */
export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = `evcp/v${PROTOCOL_VERSION}/piles`;

export const UPLINK_KINDS = ['status', 'heartbeat', 'telemetry', 'event', 'ack'] as const;
export type UplinkKind = (typeof UPLINK_KINDS)[number];

export type QoS = 0 | 1;

/** Telemetry and heartbeats may be lost (the next sample supersedes them); everything else is QoS 1. */
export const UPLINK_QOS: Record<UplinkKind, QoS> = { status: 1, heartbeat: 0, telemetry: 0, event: 1, ack: 1 };
export const COMMAND_QOS: QoS = 1;

export const PILE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function uplinkTopic(pileId: string, kind: UplinkKind): string {
  return `${TOPIC_ROOT}/${pileId}/${kind}`;
}

export function commandTopic(pileId: string): string {
  return `${TOPIC_ROOT}/${pileId}/command`;
}

/**
 * Gateways of one group share the uplink topics (shared subscription): each message reaches one gateway.
 * Without a group (a broker without shared subscriptions, e.g. the embedded one) the topics are plain.
 */
export function gatewaySubscriptions(group: string): string[] {
  return UPLINK_KINDS.map((kind) => `${group ? `$share/${group}/` : ''}${TOPIC_ROOT}/+/${kind}`);
}

export function parseUplinkTopic(topic: string): { pileId: string; kind: UplinkKind } | undefined {
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return undefined;
  const [pileId, kind, ...rest] = topic.slice(prefix.length).split('/');
  if (rest.length || !PILE_ID_PATTERN.test(pileId ?? '')) return undefined;
  if (!(UPLINK_KINDS as readonly string[]).includes(kind)) return undefined;
  return { pileId, kind: kind as UplinkKind };
}
