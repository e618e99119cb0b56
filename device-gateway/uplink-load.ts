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
}

export const DEFAULT_UPLINK_LOAD_LIMITS: UplinkLoadLimits = uplinkLoadLimits(2_000, 30_000);

/** What the pile's own queue holds at its tail when a message of the pile arrives: a sample not started yet, or anything else (nothing, a running message, a message of another kind). */
export type PileQueueTail = 'waiting_telemetry' | 'other';

/**
 * What to do with an arriving pile message. Only telemetry is ever shed: a sample waiting at the tail of its
 * pile's queue, not yet started, is replaced by the newer sample of the same pile (the older one only feeds live
 * progress that the newer supersedes; the newer claims any checkpoint slot the older would have, and is judged for
 * plausibility the same way). Statuses, events (starts, stops, faults) and acks are always queued, in order; a
 * telemetry sample never jumps ahead of one of them because only a sample at the very tail is replaced.
 */
export function admitUplink(kind: UplinkKind, tail: PileQueueTail): 'enqueue' | 'replace_waiting' {
  return kind === 'telemetry' && tail === 'waiting_telemetry' ? 'replace_waiting' : 'enqueue';
}

/** Whether the gateway is overloaded now, with hysteresis between `overloadedAt` and `recoveredAt`. */
export function isOverloaded(pending: number, wasOverloaded: boolean, limits: UplinkLoadLimits): boolean {
  return wasOverloaded ? pending > limits.recoveredAt : pending >= limits.overloadedAt;
}

/** Whether the gateway may read the next message from the broker, or must first let some pending ones finish. */
export function mayTakeMore(pending: number, limits: UplinkLoadLimits): boolean {
  return pending < limits.maxPending;
}

/** The limits from the two configured figures: recovery at a quarter of the overload mark, which the hard bound may not undercut. */
export function uplinkLoadLimits(overloadedAt: number, maxPending: number): UplinkLoadLimits {
  return { overloadedAt, recoveredAt: Math.floor(overloadedAt / 4), maxPending: Math.max(maxPending, overloadedAt) };
}
