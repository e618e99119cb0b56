import type { UplinkKind } from '../device-protocol/topics';

/**
 * How much of its inbound load a gateway may hold, and when it counts as overloaded. `pending` is every pile
 * message taken from the broker and not yet finished (waiting behind its pile's earlier messages, or running).
 */
export interface UplinkLoadLimits {
  /** At this many pending messages the gateway is overloaded (the `evcp_gateway_overloaded` gauge turns 1). */
  overloadedAt: number;
  /** It recovers once pending falls back to this many (below `overloadedAt`, so the gauge does not flap). */
  recoveredAt: number;
  /** At this many pending messages it stops reading from the broker until some finish: memory stays bounded. */
  maxPending: number;
  /**
   * At most this many messages are handled at once (the piles served in turn); the rest wait in their pile's
   * backlog, where a newer sample replaces a waiting one. Unbounded, every pile's handler would share the event
   * loop under overload, and each sample would be as old as the whole backlog by the time its handling ended.
   */
  maxHandling: number;
}

export const DEFAULT_UPLINK_LOAD_LIMITS: UplinkLoadLimits = uplinkLoadLimits(2_000, 30_000, 250);

/** What the pile's own queue holds at its tail when a message of the pile arrives: a message of that kind not started yet, or anything else (nothing, a running message, a message of another kind). */
export type PileQueueTail = 'waiting_telemetry' | 'waiting_heartbeat' | 'other';

/**
 * What to do with an arriving pile message. Only telemetry and heartbeats are ever shed, and only when a message
 * of the same pile waiting at the very tail of its queue does all they would:
 * - a telemetry sample replaces the pile's waiting sample (which only feeds live progress that the newer
 *   supersedes; the newer claims any checkpoint slot the older would have, and is judged for plausibility the same
 *   way) or its waiting heartbeat (a heartbeat only says the pile is there, which every handled message records);
 * - a heartbeat behind a waiting sample or heartbeat is dropped, for the same reason.
 * Statuses, events (starts, stops, faults) and acks are always queued, in order; nothing jumps ahead of one of them
 * because only the tail is ever replaced.
 */
export function admitUplink(kind: UplinkKind, tail: PileQueueTail): 'enqueue' | 'replace_waiting' | 'drop' {
  if (tail === 'other') return 'enqueue';
  if (kind === 'telemetry') return 'replace_waiting';
  return kind === 'heartbeat' ? 'drop' : 'enqueue';
}

/** Whether the gateway is overloaded now, with hysteresis between `overloadedAt` and `recoveredAt`. */
export function isOverloaded(pending: number, wasOverloaded: boolean, limits: UplinkLoadLimits): boolean {
  return wasOverloaded ? pending > limits.recoveredAt : pending >= limits.overloadedAt;
}

/** Whether the gateway may read the next message from the broker, or must first let some pending ones finish. */
export function mayTakeMore(pending: number, limits: UplinkLoadLimits): boolean {
  return pending < limits.maxPending;
}

/** The limits from the configured figures: recovery at a quarter of the overload mark, which the hard bound may not undercut. */
export function uplinkLoadLimits(overloadedAt: number, maxPending: number, maxHandling: number): UplinkLoadLimits {
  return { overloadedAt, recoveredAt: Math.floor(overloadedAt / 4), maxPending: Math.max(maxPending, overloadedAt), maxHandling };
}
