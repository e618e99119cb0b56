import type { Bill } from '../domain/billing';
import type { PaymentMode } from '../domain/payscore';
import type { PreauthDecision, PreauthPolicy } from '../domain/preauthorization';
import type { EndReason, SessionStatus } from '../domain/session-state';
import type { DriverLimits } from '../domain/stop-conditions';
import type { Tariff } from '../domain/tariff';
import type { OperatorCommandState, PileCommand, PileCommandParams, PileCommandType, SessionProgress } from '../domain/pile-command';

/** The narrow interfaces session activities depend on; each has one production implementation. */

export interface SessionIdentity {
  sessionId: string;
  userId: string;
  pileId: string;
  stationId: string;
}

export interface OpenSessionRequest extends SessionIdentity {
  workflowId: string;
  /** How the session pays; absent in sessions started before the driver could choose: the wallet. */
  paymentMode?: PaymentMode;
  status: 'RESERVED' | 'AUTHORIZING';
  limits: DriverLimits;
  tariff: Tariff;
  reservedUntil?: number;
  at: number;
}

/** The session record's fields that change as the session moves; times are epoch ms. */
export interface SessionRecordFields {
  status: SessionStatus;
  reservedUntil?: number;
  heldFen?: number;
  meterStartWh?: number;
  meterStopWh?: number;
  energyWh: number;
  startedAt?: number;
  stoppedAt?: number;
  endReason?: EndReason;
  needsReview: boolean;
  reviewReason?: string;
  bill?: Bill;
}

export interface TransitionRecord extends SessionIdentity {
  /** The transition's position in the session's history (1 = opened); makes the write idempotent. */
  seq: number;
  from: SessionStatus;
  to: SessionStatus;
  reason?: string;
  at: number;
  record: SessionRecordFields;
}

/** A session that still holds money or a pile, as its record says. */
export interface SessionHolding extends SessionIdentity {
  status: SessionStatus;
  holdsMoney: boolean;
  holdsPile: boolean;
}

export interface SessionStore {
  /** Claims the pile and creates the session, atomically; 'pile_busy' when another session holds the pile. */
  open(request: OpenSessionRequest): Promise<'opened' | 'pile_busy'>;
  recordTransition(transition: TransitionRecord): Promise<void>;
  /** Drops this session's claim on the pile (no-op when it holds none). */
  releasePile(pileId: string, sessionId: string): Promise<void>;
  /** Every session that has an open payment hold or a claim on a pile. */
  holdings(): Promise<SessionHolding[]>;
  /** Marks the session record for an operator's review, adding `reason` once. */
  flagForReview(sessionId: string, reason: string): Promise<void>;
}

/** Whether a session's workflow still runs (any run of its chain); closed ones can no longer clean up after themselves. */
export interface SessionWorkflows {
  isRunning(sessionId: string): Promise<boolean>;
}

export interface AuthorizeRequest {
  sessionId: string;
  userId: string;
  limits: DriverLimits;
  policy: PreauthPolicy;
}

export interface CaptureRequest extends SessionIdentity {
  bill: Bill;
}

/**
 * Refunds whose workflow may never have started: a withdrawal committed its refunds, then the API died before starting
 * `refund-<out_refund_no>`. The sweep finds them and starts their workflow (idempotent by workflow id).
 */
export interface StalledRefunds {
  /** Refunds still processing that were opened before `beforeMs`: the newest `limit` of them. */
  processingOpenedBefore(beforeMs: number, limit: number): Promise<string[]>;
  /** Starts the refund's workflow unless one runs or ran to its end; true when it started one. */
  watch(outRefundNo: string): Promise<boolean>;
}

/**
 * A direct start (no reservation) asks to be admitted in one step: open the session (claim the pile), take the hold,
 * and record AUTHORIZING → STARTING (seq 2) with the hold taken.
 */
export interface AdmitSessionRequest extends OpenSessionRequest {
  status: 'AUTHORIZING';
  policy: PreauthPolicy;
  /** The session record once in STARTING, but for `heldFen`, which the hold decides. */
  startingRecord: SessionRecordFields;
}

export type AdmissionOutcome =
  | { outcome: 'pile_busy' }
  /** Opened (the pile is claimed) but no hold: the session ends as declined sessions do. */
  | { outcome: 'declined'; decision: Extract<PreauthDecision, { approved: false }> }
  | { outcome: 'admitted'; starting: TransitionRecord };

/** Every call is idempotent per session: a retry finds what an earlier attempt wrote and answers the same. */
export interface SessionAdmissions {
  admit(request: AdmitSessionRequest): Promise<AdmissionOutcome>;
}

/** Pre-authorization and settlement. Every call is idempotent per session. */
export interface PaymentProvider {
  authorize(request: AuthorizeRequest): Promise<PreauthDecision>;
  capture(request: CaptureRequest): Promise<void>;
  release(sessionId: string): Promise<void>;
}

export interface PileCommands {
  send(command: PileCommand): Promise<void>;
}

/** Makes session changes visible at once: hot state for the gateway and API, pub/sub for live sockets. */
export interface SessionLiveUpdates {
  sessionOpened(request: OpenSessionRequest): Promise<void>;
  sessionChanged(session: SessionIdentity, record: SessionRecordFields, at: number): Promise<void>;
  pileReleased(session: SessionIdentity): Promise<void>;
}

/** Top-up orders a payment provider has not confirmed: asked about, credited when paid, closed once expired. */
export interface PendingTopUps {
  /** 'paid' | 'failed' | 'closed' once settled, 'pending' while the driver may still pay. */
  settlePending(outTradeNo: string, options: { closeIfUnpaid: boolean }): Promise<string>;
}

/** WeChat Pay Score orders no notification settled: asked about, cancelled once the driver never confirmed them. */
export interface PendingPayscoreOrders {
  /** The order's state once settled ('paid' | 'cancelled' | 'expired' | 'declined'), 'pending' while it may still move. */
  settlePending(outOrderNo: string, options: { cancelIfUnconfirmed: boolean }): Promise<string>;
}

/** Refunds to the payer: submitted to the provider their top-up was paid through, then checked until they end. */
export interface PayerRefunds {
  /** 'succeeded' | 'closed' | 'abnormal' once ended, 'processing' meanwhile. */
  submit(outRefundNo: string): Promise<string>;
  check(outRefundNo: string): Promise<string>;
}

// ── operator pile commands (issue 11) ──────────────────────────────────────────────────────

/** An operator's command as first recorded; times are epoch ms. */
export interface PileCommandRecord {
  commandId: string;
  pileId: string;
  pileCode: string;
  type: PileCommandType;
  params: PileCommandParams;
  reason: string;
  requestedBy: { id: string; name: string; role: string };
  sessionId?: string;
  workflowId: string;
  at: number;
}

export interface PileCommandStateChange {
  commandId: string;
  state: OperatorCommandState;
  attempts: number;
  detail?: string;
  at: number;
}

/** The `pile_commands` table, which the API lists without asking Temporal. */
export interface PileCommandStore {
  /** Creates the record unless it exists (the API may have written it first): idempotent. */
  record(command: PileCommandRecord): Promise<void>;
  /** Writes the command's state; a final state is never overwritten by a later or retried write. */
  changed(change: PileCommandStateChange): Promise<void>;
}

/** Where a start or stop command reads its session's progress (the session record the session workflow writes). */
export interface SessionProgressReader {
  progress(sessionId: string): Promise<SessionProgress | undefined>;
}

/** The bill of a settled session, told to its driver. */
export interface BillNotices {
  /** 'sent', or why not ('skipped: …'); throws when it should be tried again. */
  send(sessionId: string): Promise<string>;
}

/** Where settlement hands the bill over, to be told to the driver without settlement waiting for it. */
export interface BillNoticeQueue {
  enqueue(sessionId: string): Promise<void>;
}

/** Our books against a payment provider's bill of one day (YYYY-MM-DD, China time). */
export interface PaymentReconciliation {
  reconcileDay(billDate: string): Promise<{ billDate: string; providerLines: number; booksLines: number; mismatches: number }>;
}
