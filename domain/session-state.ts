/**
 * The charging session state machine (the README and docs/architecture.md draw it).
 *
 * RESERVED ─► AUTHORIZING ─► STARTING ─► CHARGING ─► STOPPING ─► SETTLING ─► COMPLETED
 *    │             │             │                                 │   ▲
 *    └ CANCELLED,  └ DECLINED,   └ START_FAILED,                   ▼   │ support retry
 *      EXPIRED       CANCELLED     CANCELLED                SETTLEMENT_FAILED
 *
 * (REJECTED: the request found the pile held by another session; nothing was reserved or charged.
 * CANCELLED after RESERVED: the driver or an operator cancelled; after AUTHORIZING or STARTING: an operator
 * cancelled the workflow before any energy was metered. Cancelled later, a session still stops and settles.)
 */
export const SESSION_STATUSES = [
  'RESERVED',
  'AUTHORIZING',
  'STARTING',
  'CHARGING',
  'STOPPING',
  'SETTLING',
  'COMPLETED',
  'SETTLEMENT_FAILED',
  'CANCELLED',
  'EXPIRED',
  'DECLINED',
  'START_FAILED',
  'REJECTED',
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];

const NEXT: Record<SessionStatus, readonly SessionStatus[]> = {
  RESERVED: ['AUTHORIZING', 'CANCELLED', 'EXPIRED'],
  AUTHORIZING: ['STARTING', 'DECLINED', 'CANCELLED'],
  STARTING: ['CHARGING', 'STOPPING', 'START_FAILED', 'CANCELLED'],
  CHARGING: ['STOPPING'],
  STOPPING: ['SETTLING'],
  SETTLING: ['COMPLETED', 'SETTLEMENT_FAILED'],
  SETTLEMENT_FAILED: ['SETTLING'],
  COMPLETED: [],
  CANCELLED: [],
  EXPIRED: [],
  DECLINED: [],
  START_FAILED: [],
  REJECTED: [],
};

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return NEXT[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: SessionStatus,
    readonly to: SessionStatus,
  ) {
    super(`a session cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: SessionStatus, to: SessionStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

export function isFinal(status: SessionStatus): boolean {
  return NEXT[status].length === 0;
}

/** Statuses in which the session holds the pile (no other session may reserve or start on it). */
export function occupiesPile(status: SessionStatus): boolean {
  return ['RESERVED', 'AUTHORIZING', 'STARTING', 'CHARGING', 'STOPPING'].includes(status);
}

/** Why a session ended or stopped charging; stored on the session and shown on the bill. */
export const END_REASONS = [
  'DRIVER_STOPPED',
  /** An operator or admin stopped someone else's session, with a reason; the session is flagged for review. */
  'STAFF_STOPPED',
  'PREAUTH_EXHAUSTED',
  'TARGET_AMOUNT_REACHED',
  'TARGET_ENERGY_REACHED',
  'TARGET_SOC_REACHED',
  'MAX_DURATION_REACHED',
  'PILE_STOPPED',
  'PILE_FAULT',
  'PILE_SILENT',
  'START_REFUSED',
  'START_NOT_ACKNOWLEDGED',
  'INSUFFICIENT_BALANCE',
  /** The payment provider refused the pre-authorization (WeChat Pay Score would not create the order). */
  'PAYMENT_DECLINED',
  'RESERVATION_CANCELLED',
  'RESERVATION_EXPIRED',
  'PILE_BUSY',
  /** Cancelled in the Temporal UI (or CLI): cleaned up, billed from the pile's meter if it charged, flagged for review. */
  'OPERATOR_CANCELLED',
] as const;

export type EndReason = (typeof END_REASONS)[number];
