import { type Bill, type EnergyByBand, addMeteredSegment, idleCharge, priceEnergyByBand, settleBill } from '../domain/billing';
import { type ErrorCode } from '../domain/errors';
import { implausibleMeter } from '../domain/meter-plausibility';
import { type EndReason, type SessionStatus, assertTransition } from '../domain/session-state';
import { stopReasonFor } from '../domain/stop-conditions';
import { highestPriceBetween } from '../domain/tariff';
import type { PreauthDecision } from '../domain/preauthorization';
import type {
  ChargingSessionInput,
  ChargingStarted,
  ChargingStopped,
  ConnectorFreed,
  MeterCheckpoint,
  PileAcknowledgement,
  PileFaulted,
  PileReportedIdle,
  SessionView,
  StopChargingRequest,
} from './charging-session.messages';

export type Admission = { ok: true } | { ok: false; code: ErrorCode; message: string };

/**
 * What a session knows, as plain data: what it carries into its next run when it continues as new. The field
 * names are part of recorded histories (the carried argument of a continue-as-new), so they do not change.
 */
interface SessionData {
  status: SessionStatus;
  /** How many transitions the session record has seen; 0 until the session is opened. */
  seq: number;
  reservedUntil?: number;
  heldFen?: number;
  /** Pile clock: when metering began (receipts, tariff bands). */
  startedAt?: number;
  /** Workflow clock: when this workflow learnt charging began (duration limits, silence). */
  chargingSince?: number;
  meterStartWh?: number;
  lastCheckpoint?: { at: number; meterWh: number };
  ledger: EnergyByBand;
  powerW: number;
  socPercent?: number;
  lastHeardAt?: number;
  /** The nonce each command of this session was signed with, by command id. */
  commandNonces: Record<string, string>;
  /** Commands the pile may have received (their send completed), by command id. */
  commandsSent: Record<string, true>;
  /** Acks of this session's commands that echoed the command's nonce, by command id (the first one counts). */
  acks: Record<string, PileAcknowledgement>;
  /** An operator cancelled the workflow: it winds the session down by the shortest safe path. */
  cancelledByOperator: boolean;
  pileStop?: ChargingStopped;
  fault?: PileFaulted;
  connectorFreedAt?: number;
  stopRequested: boolean;
  /** Set when staff, not the driver, asked for the stop. */
  stopRequestedBy?: StaffStop;
  startRequested: boolean;
  cancelRequested: boolean;
  retryRequested: boolean;
  retryRequestedBy?: string;
  stoppedAt?: number;
  meterStopWh?: number;
  endReason?: EndReason;
  needsReview: boolean;
  reviewReason?: string;
  /** Meter readings not billed because they were not physically plausible. */
  rejectedMeterReadings: number;
  bill?: Bill;
  settlementAttempts: number;
  admission?: Admission;
}

/** What a session carries into its next run when it continues as new (all plain data). */
export type CarriedState = SessionData;

type StaffStop = NonNullable<StopChargingRequest['staff']>;

/**
 * Everything a charging session knows, and the rules for taking in what happens to it. Plain class, no Temporal
 * and no I/O: the workflow tells it what happened through the intent methods below (facts from the pile, requests
 * from people, outcomes of the workflow's own steps) and reads it back through read-only getters; nothing outside
 * changes its data directly.
 */
export class SessionState {
  private data: SessionData;
  /** Set by every fact that arrives; the workflow's wait loop clears it after looking. */
  private attention = false;

  constructor(
    readonly input: ChargingSessionInput,
    requestedAt: number,
  ) {
    this.data = {
      status: input.reserve ? 'RESERVED' : 'AUTHORIZING',
      seq: 0,
      reservedUntil: input.reserve ? requestedAt + input.policy.reservationMs : undefined,
      ledger: {},
      powerW: 0,
      commandNonces: {},
      commandsSent: {},
      acks: {},
      cancelledByOperator: false,
      stopRequested: false,
      startRequested: false,
      cancelRequested: false,
      retryRequested: false,
      needsReview: false,
      rejectedMeterReadings: 0,
      settlementAttempts: 0,
    };
  }

  static resume(input: ChargingSessionInput, carried: CarriedState): SessionState {
    const state = new SessionState(input, 0);
    state.data = { ...state.data, ...carried };
    state.attention = true; // look at the limits straight away, as the previous run would have
    return state;
  }

  snapshot(): CarriedState {
    return { ...this.data };
  }

  // ── read-only views ──────────────────────────────────────────────────────────────────

  get status(): SessionStatus {
    return this.data.status;
  }

  /** Whether the session record exists (it holds the pile); false until the workflow opened it. */
  get isOpen(): boolean {
    return this.data.seq > 0;
  }

  get reservedUntil(): number | undefined {
    return this.data.reservedUntil;
  }

  get identity() {
    const { sessionId, userId, pileId, stationId } = this.input;
    return { sessionId, userId, pileId, stationId };
  }

  get admission(): Readonly<Admission> | undefined {
    return this.data.admission;
  }

  get endReason(): EndReason | undefined {
    return this.data.endReason;
  }

  get meterStartWh(): number | undefined {
    return this.data.meterStartWh;
  }

  /** A hold may exist: one was made, or an operator's cancellation may have cut in while it was being made. */
  get mayHoldMoney(): boolean {
    return this.data.heldFen !== undefined || this.data.cancelledByOperator;
  }

  get hasStartedCharging(): boolean {
    return this.data.startedAt !== undefined;
  }

  get pileHasStopped(): boolean {
    return this.data.pileStop !== undefined;
  }

  get hasFaulted(): boolean {
    return this.data.fault !== undefined;
  }

  get isConnectorFreed(): boolean {
    return this.data.connectorFreedAt !== undefined;
  }

  get isStartRequested(): boolean {
    return this.data.startRequested;
  }

  get isCancelRequested(): boolean {
    return this.data.cancelRequested;
  }

  get isStopRequested(): boolean {
    return this.data.stopRequested;
  }

  get isRetryRequested(): boolean {
    return this.data.retryRequested;
  }

  get isCancelledByOperator(): boolean {
    return this.data.cancelledByOperator;
  }

  /** Something arrived since the wait loop last looked. */
  get wantsAttention(): boolean {
    return this.attention;
  }

  /** The ack of command `commandId` that echoed its nonce, if one came. */
  ackOf(commandId: string): Readonly<PileAcknowledgement> | undefined {
    return this.data.acks[commandId];
  }

  /** Whether the pile may have received command `commandId` (its send completed). */
  wasSent(commandId: string): boolean {
    return this.data.commandsSent[commandId] === true;
  }

  // ── the workflow's own steps ─────────────────────────────────────────────────────────

  /** The session record exists and holds the pile; a reservation is admitted from here. */
  opened() {
    this.data.seq = 1;
    if (this.data.status === 'RESERVED') this.data.admission = { ok: true };
  }

  /** Another session holds the pile: nothing was reserved or charged. */
  rejectedBecausePileBusy() {
    this.data.status = 'REJECTED';
    this.data.endReason = 'PILE_BUSY';
    this.data.admission = { ok: false, code: 'PILE_BUSY', message: `pile ${this.input.pileId} is reserved or in use by another session` };
  }

  /** Moves to `to` (a transition the state machine allows) and returns what the transition's record needs. */
  movedTo(to: SessionStatus): { from: SessionStatus; seq: number } {
    const from = this.data.status;
    assertTransition(from, to);
    this.data.status = to;
    this.data.seq += 1;
    return { from, seq: this.data.seq };
  }

  /** Why the session is ending, once the workflow knows. */
  endingBecause(reason: EndReason | undefined) {
    this.data.endReason = reason;
  }

  /** The wallet cannot cover the hold the session needs, or the payment provider refused: the driver is told why. */
  declined(decision: Extract<PreauthDecision, { approved: false }>): EndReason {
    if ('refusedBy' in decision) {
      this.data.admission = { ok: false, code: 'PAYMENT_DECLINED', message: `WeChat Pay Score declined the order: ${decision.reason}` };
      return 'PAYMENT_DECLINED';
    }
    this.data.admission = {
      ok: false,
      code: 'INSUFFICIENT_BALANCE',
      message: `wallet balance ${decision.availableFen} fen is below the ${decision.requiredFen} fen needed to start`,
    };
    return 'INSUFFICIENT_BALANCE';
  }

  preauthorized(holdFen: number) {
    this.data.heldFen = holdFen;
  }

  /** The session holds what it needs to start: the driver's request is answered. */
  admitted() {
    this.data.admission = { ok: true };
  }

  /** The nonce to sign command `commandId` with: drawn once, kept when the command is sent again. */
  nonceFor(commandId: string, draw: () => string): string {
    return (this.data.commandNonces[commandId] ??= draw());
  }

  /** Command `commandId` reached the pile's topic: the pile may act on it. */
  commandSent(commandId: string) {
    this.data.commandsSent[commandId] = true;
  }

  /** The wait loop has looked at everything that arrived so far. */
  attended() {
    this.attention = false;
  }

  chargingDespiteFailedStart() {
    this.flagForReview(`the pile reported charging although the start ended ${this.data.endReason}; billed from its meter`);
  }

  stopNeverConfirmed() {
    this.flagForReview('the pile never confirmed the stop; billed from the last checkpoint');
  }

  /** The connector was never reported free: occupancy is billed up to the maximum wait, on the pile's clock. */
  connectorNeverReportedFree() {
    this.data.connectorFreedAt = this.data.stoppedAt! + this.input.policy.idleWaitMaxMs;
    this.flagForReview('connector not reported free; idle fee capped at the maximum wait');
  }

  /** A capture is about to be tried: the bill it captures (a bill above the hold puts the session up for review). */
  captureAttempted(): Bill {
    const bill = this.computeBill();
    this.data.settlementAttempts += 1;
    return bill;
  }

  captureFailed(message: string) {
    this.flagForReview(`settlement failed: ${message}`);
  }

  settled(bill: Bill) {
    this.data.bill = bill;
  }

  /** Support's retry is taken up; returns who asked for it. */
  retryTakenUp(): string | undefined {
    this.data.retryRequested = false;
    return this.data.retryRequestedBy;
  }

  /** Cancelled by an operator before the session was opened: it never held the pile or money. */
  cancelledBeforeOpening() {
    this.data.status = 'CANCELLED';
    this.data.endReason = 'OPERATOR_CANCELLED';
  }

  // ── requests from people ─────────────────────────────────────────────────────────────

  /** The driver arrived at the reserved pile and asked to start. */
  startRequested() {
    this.data.startRequested = true;
  }

  /** The driver cancelled the reservation. */
  cancelRequested() {
    this.data.cancelRequested = true;
  }

  /** The driver (no `staff`) or staff (named, with a reason, flagged for review) asked charging to stop. */
  stopRequestedBy(staff: StaffStop | undefined) {
    if (staff && !this.data.stopRequested) {
      this.data.stopRequestedBy = staff;
      this.flagForReview(`stopped by ${staff.role} ${staff.userId}: ${staff.reason}`);
    }
    this.data.stopRequested = true;
    this.attention = true;
  }

  /** Support asked to retry a failed settlement. */
  retryRequestedBy(requestedBy: string) {
    this.data.retryRequested = true;
    this.data.retryRequestedBy = requestedBy;
  }

  /** An operator cancelled the workflow: it winds the session down by the shortest safe path. */
  cancelledByOperator() {
    this.data.cancelledByOperator = true;
    this.attention = true;
    this.data.admission ??= { ok: false, code: 'SESSION_STATE_CONFLICT', message: 'the session was cancelled by an operator' };
    this.flagForReview(`cancelled by an operator while ${this.data.status}`);
  }

  // ── facts from the pile ──────────────────────────────────────────────────────────────

  /** Takes in an ack only when it echoes the nonce of a command this session signed; a forged one changes nothing. */
  acknowledge(ack: PileAcknowledgement): boolean {
    const nonce = this.data.commandNonces[ack.commandId];
    if (nonce === undefined || ack.nonce !== nonce || this.data.acks[ack.commandId]) return false;
    this.data.acks[ack.commandId] = ack;
    this.attention = true;
    return true;
  }

  chargingStarted(event: ChargingStarted, receivedAt: number) {
    if (this.data.startedAt !== undefined) return;
    this.data.startedAt = event.at;
    this.data.chargingSince = receivedAt;
    this.data.meterStartWh = event.meterStartWh;
    this.data.lastCheckpoint = { at: event.at, meterWh: event.meterStartWh };
    this.data.lastHeardAt = receivedAt;
    this.attention = true;
  }

  /**
   * Takes in a meter reading; duplicates, stale and out-of-order readings change nothing, and a reading that is not
   * physically plausible is not billed and puts the session up for review.
   */
  checkpoint(reading: MeterCheckpoint, receivedAt: number): boolean {
    const last = this.data.lastCheckpoint;
    if (!last || this.data.pileStop || reading.at <= last.at) return false;
    if (!this.plausible(last, reading, receivedAt, 'meter reading')) return false;
    this.data.ledger = addMeteredSegment(this.input.tariff, this.data.ledger, last, reading);
    this.data.lastCheckpoint = { at: reading.at, meterWh: reading.meterWh };
    if (reading.powerW !== undefined) this.data.powerW = reading.powerW;
    if (reading.socPercent !== undefined) this.data.socPercent = reading.socPercent;
    this.data.lastHeardAt = receivedAt;
    this.attention = true;
    return true;
  }

  chargingStopped(event: ChargingStopped) {
    this.data.pileStop ??= event;
    this.attention = true;
  }

  faulted(event: PileFaulted) {
    this.data.fault ??= event;
    this.attention = true;
  }

  /**
   * A pile that says it is idle while its session still charges has ended the session without telling (or its
   * stop was lost): the session ends at the pile's meter, for review.
   */
  pileReportedIdle(event: PileReportedIdle) {
    if ((this.data.status !== 'CHARGING' && this.data.status !== 'STOPPING') || this.data.pileStop || this.data.fault) return;
    if (event.at < (this.data.lastCheckpoint?.at ?? 0)) return; // said before the pile's last reading: stale
    const meterStopWh = event.meterWh ?? this.data.lastCheckpoint?.meterWh;
    if (meterStopWh === undefined) return;
    this.data.pileStop = { at: event.at, meterStopWh, reason: 'pile_reported_idle' };
    this.flagForReview('the pile reported idle while the session was charging; billed to the meter it reported');
    this.attention = true;
  }

  connectorFreed(event: ConnectorFreed) {
    this.data.connectorFreedAt ??= event.at;
    this.attention = true;
  }

  // ── derived ──────────────────────────────────────────────────────────────────────────

  get energyWh(): number {
    return this.data.lastCheckpoint && this.data.meterStartWh !== undefined ? this.data.lastCheckpoint.meterWh - this.data.meterStartWh : 0;
  }

  get costFen(): number {
    return priceEnergyByBand(this.input.tariff, this.data.ledger).energyFen;
  }

  /** Why charging must end now, if it must: pile facts first, then the driver, then the limits. */
  chargingEndReason(now: number): EndReason | undefined {
    if (this.data.fault) return 'PILE_FAULT';
    if (this.data.pileStop) return 'PILE_STOPPED';
    if (this.data.stopRequested) return this.requestedStopReason;
    if (this.data.cancelledByOperator) return 'OPERATOR_CANCELLED';
    const { policy, limits, tariff } = this.input;
    // Money has one clock, the pile's: the look-ahead prices the next interval by the time the bill will.
    const pileNow = this.data.lastCheckpoint?.at ?? this.data.startedAt ?? 0;
    if (now - (this.data.lastHeardAt ?? now) >= policy.pileSilenceTimeoutMs) return 'PILE_SILENT';
    return stopReasonFor(
      { energyWh: this.energyWh, costFen: this.costFen, powerW: this.data.powerW, socPercent: this.data.socPercent, elapsedMs: now - (this.data.chargingSince ?? now) },
      limits,
      { heldFen: this.data.heldFen ?? 0, maxDurationMs: policy.maxDurationMs, checkpointIntervalMs: policy.checkpointIntervalMs, fenPerKwhAhead: highestPriceBetween(tariff, pileNow, pileNow + policy.checkpointIntervalMs) },
    );
  }

  /** When the charging loop must look again even if nothing arrives: silence or the maximum duration. */
  nextDeadline(): number {
    const { policy } = this.input;
    return Math.min((this.data.lastHeardAt ?? 0) + policy.pileSilenceTimeoutMs, (this.data.chargingSince ?? 0) + policy.maxDurationMs);
  }

  /** Closes the meter: the pile's final reading when it gave one, else the last checkpoint. */
  finishMetering(now: number) {
    const finalReading = this.data.pileStop
      ? { at: this.data.pileStop.at, meterWh: this.data.pileStop.meterStopWh }
      : this.data.fault?.meterWh !== undefined
        ? { at: this.data.fault.at, meterWh: this.data.fault.meterWh }
        : undefined;
    const last = this.data.lastCheckpoint;
    if (last && finalReading && this.plausible(last, finalReading, now, 'final meter')) {
      this.data.ledger = addMeteredSegment(this.input.tariff, this.data.ledger, last, { at: Math.max(finalReading.at, last.at), meterWh: finalReading.meterWh });
      this.data.lastCheckpoint = { at: Math.max(finalReading.at, last.at), meterWh: finalReading.meterWh };
    }
    this.data.meterStopWh = this.data.lastCheckpoint?.meterWh;
    this.data.stoppedAt = finalReading?.at ?? this.data.lastCheckpoint?.at ?? now;
  }

  /** Whether `reading` may be billed after `last`; the first reading that may not puts the session up for review. */
  private plausible(last: { at: number; meterWh: number }, reading: { at: number; meterWh: number }, now: number, what: string): boolean {
    const problem = implausibleMeter(last, reading, { ratedPowerW: this.input.pileRatedPowerW, now });
    if (!problem) return true;
    this.data.rejectedMeterReadings += 1;
    if (this.data.rejectedMeterReadings === 1) {
      this.flagForReview(`${what} ${reading.meterWh} Wh at ${new Date(reading.at).toISOString()} not billed (${problem}); billed up to ${last.meterWh} Wh`);
    }
    return false;
  }

  get requestedStopReason(): EndReason {
    return this.data.stopRequestedBy ? 'STAFF_STOPPED' : 'DRIVER_STOPPED';
  }

  private flagForReview(reason: string) {
    this.data.needsReview = true;
    this.data.reviewReason = this.data.reviewReason ? `${this.data.reviewReason}; ${reason}` : reason;
  }

  private computeBill(): Bill {
    const energy = priceEnergyByBand(this.input.tariff, this.data.ledger);
    const idle = idleCharge(this.input.tariff, this.data.stoppedAt ?? 0, this.data.connectorFreedAt);
    const bill = settleBill(energy, idle, this.data.heldFen ?? 0);
    if (bill.uncollectedFen > 0) this.flagForReview(`billed ${bill.uncollectedFen} fen above the hold`);
    return bill;
  }

  /** The fields of the session record, as of now. */
  record() {
    return {
      status: this.data.status,
      reservedUntil: this.data.reservedUntil,
      heldFen: this.data.heldFen,
      meterStartWh: this.data.meterStartWh,
      meterStopWh: this.data.meterStopWh,
      energyWh: this.energyWh,
      startedAt: this.data.startedAt,
      stoppedAt: this.data.stoppedAt,
      endReason: this.data.endReason,
      needsReview: this.data.needsReview,
      reviewReason: this.data.reviewReason,
      bill: this.data.bill,
    };
  }

  view(waitingFor: string): SessionView {
    const { sessionId, pileId, stationId, userId, limits } = this.input;
    return {
      sessionId,
      pileId,
      stationId,
      userId,
      limits,
      paymentMode: this.input.paymentMode ?? 'wallet',
      waitingFor,
      status: this.data.status,
      reservedUntil: this.data.reservedUntil,
      heldFen: this.data.heldFen,
      startedAt: this.data.startedAt,
      stoppedAt: this.data.stoppedAt,
      meterStartWh: this.data.meterStartWh,
      energyWh: this.energyWh,
      costFen: this.data.bill?.totalFen ?? this.costFen,
      powerW: this.data.powerW,
      socPercent: this.data.socPercent,
      lastHeardAt: this.data.lastHeardAt,
      endReason: this.data.endReason,
      needsReview: this.data.needsReview,
      reviewReason: this.data.reviewReason,
      bill: this.data.bill,
      settlementAttempts: this.data.settlementAttempts,
    };
  }
}
