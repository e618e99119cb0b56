import { type Bill, type EnergyByBand, addMeteredSegment, idleCharge, priceEnergyByBand, settleBill } from '../domain/billing';
import { type ErrorCode } from '../domain/errors';
import { implausibleMeter } from '../domain/meter-plausibility';
import { type EndReason, type SessionStatus } from '../domain/session-state';
import { stopReasonFor } from '../domain/stop-conditions';
import { highestPriceBetween } from '../domain/tariff';
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

/** What a session carries into its next run when it continues as new (all plain data). */
export type CarriedState = ReturnType<SessionState['snapshot']>;

export type Admission = { ok: true } | { ok: false; code: ErrorCode; message: string };

/**
 * Everything a charging session knows, and the rules for taking in facts from the pile. Plain class, no
 * Temporal and no I/O: the workflow binds messages to these methods and decides what to do next.
 */
export class SessionState {
  status: SessionStatus;
  seq = 0;
  reservedUntil?: number;
  heldFen?: number;
  /** Pile clock: when metering began (receipts, tariff bands). */
  startedAt?: number;
  /** Workflow clock: when this workflow learnt charging began (duration limits, silence). */
  chargingSince?: number;
  meterStartWh?: number;
  lastCheckpoint?: { at: number; meterWh: number };
  ledger: EnergyByBand = {};
  powerW = 0;
  socPercent?: number;
  lastHeardAt?: number;
  /** The nonce each command of this session was signed with, by command id. */
  commandNonces: Record<string, string> = {};
  /** Commands the pile may have received (their send completed), by command id. */
  commandsSent: Record<string, true> = {};
  /** Acks of this session's commands that echoed the command's nonce, by command id (the first one counts). */
  acks: Record<string, PileAcknowledgement> = {};
  /** An operator cancelled the workflow: it winds the session down by the shortest safe path. */
  cancelledByOperator = false;
  pileStop?: ChargingStopped;
  fault?: PileFaulted;
  connectorFreedAt?: number;
  stopRequested = false;
  /** Set when staff, not the driver, asked for the stop. */
  stopRequestedBy?: StopChargingRequest['staff'];
  startRequested = false;
  cancelRequested = false;
  retryRequested = false;
  retryRequestedBy?: string;
  stoppedAt?: number;
  meterStopWh?: number;
  endReason?: EndReason;
  needsReview = false;
  reviewReason?: string;
  /** Meter readings not billed because they were not physically plausible. */
  rejectedMeterReadings = 0;
  bill?: Bill;
  settlementAttempts = 0;
  admission?: Admission;
  /** Set by every fact that arrives; the workflow's wait loop clears it after looking. */
  attention = false;

  constructor(
    readonly input: ChargingSessionInput,
    requestedAt: number,
  ) {
    this.status = input.reserve ? 'RESERVED' : 'AUTHORIZING';
    if (input.reserve) this.reservedUntil = requestedAt + input.policy.reservationMs;
  }

  static resume(input: ChargingSessionInput, carried: CarriedState): SessionState {
    const state = new SessionState(input, 0);
    Object.assign(state, carried);
    state.attention = true; // look at the limits straight away, as the previous run would have
    return state;
  }

  snapshot() {
    const { input: _input, attention: _attention, ...data } = this;
    return { ...data };
  }

  // ── facts from the pile ──────────────────────────────────────────────────────────────

  /** The nonce to sign command `commandId` with: drawn once, kept when the command is sent again. */
  nonceFor(commandId: string, draw: () => string): string {
    return (this.commandNonces[commandId] ??= draw());
  }

  /** Takes in an ack only when it echoes the nonce of a command this session signed; a forged one changes nothing. */
  acknowledge(ack: PileAcknowledgement): boolean {
    const nonce = this.commandNonces[ack.commandId];
    if (nonce === undefined || ack.nonce !== nonce || this.acks[ack.commandId]) return false;
    this.acks[ack.commandId] = ack;
    this.attention = true;
    return true;
  }

  operatorCancelled() {
    this.cancelledByOperator = true;
    this.attention = true;
    this.admission ??= { ok: false, code: 'SESSION_STATE_CONFLICT', message: 'the session was cancelled by an operator' };
    this.flagForReview(`cancelled by an operator while ${this.status}`);
  }

  chargingStarted(event: ChargingStarted, receivedAt: number) {
    if (this.startedAt !== undefined) return;
    this.startedAt = event.at;
    this.chargingSince = receivedAt;
    this.meterStartWh = event.meterStartWh;
    this.lastCheckpoint = { at: event.at, meterWh: event.meterStartWh };
    this.lastHeardAt = receivedAt;
    this.attention = true;
  }

  /**
   * Takes in a meter reading; duplicates, stale and out-of-order readings change nothing, and a reading that is not
   * physically plausible is not billed and puts the session up for review.
   */
  checkpoint(reading: MeterCheckpoint, receivedAt: number): boolean {
    const last = this.lastCheckpoint;
    if (!last || this.pileStop || reading.at <= last.at) return false;
    if (!this.plausible(last, reading, receivedAt, 'meter reading')) return false;
    this.ledger = addMeteredSegment(this.input.tariff, this.ledger, last, reading);
    this.lastCheckpoint = { at: reading.at, meterWh: reading.meterWh };
    if (reading.powerW !== undefined) this.powerW = reading.powerW;
    if (reading.socPercent !== undefined) this.socPercent = reading.socPercent;
    this.lastHeardAt = receivedAt;
    this.attention = true;
    return true;
  }

  chargingStopped(event: ChargingStopped) {
    this.pileStop ??= event;
    this.attention = true;
  }

  faulted(event: PileFaulted) {
    this.fault ??= event;
    this.attention = true;
  }

  /**
   * A pile that says it is idle while its session still charges has ended the session without telling (or its
   * stop was lost): the session ends at the pile's meter, for review.
   */
  pileReportedIdle(event: PileReportedIdle) {
    if ((this.status !== 'CHARGING' && this.status !== 'STOPPING') || this.pileStop || this.fault) return;
    if (event.at < (this.lastCheckpoint?.at ?? 0)) return; // said before the pile's last reading: stale
    const meterStopWh = event.meterWh ?? this.lastCheckpoint?.meterWh;
    if (meterStopWh === undefined) return;
    this.pileStop = { at: event.at, meterStopWh, reason: 'pile_reported_idle' };
    this.flagForReview('the pile reported idle while the session was charging; billed to the meter it reported');
    this.attention = true;
  }

  connectorFreed(event: ConnectorFreed) {
    this.connectorFreedAt ??= event.at;
    this.attention = true;
  }

  // ── derived ──────────────────────────────────────────────────────────────────────────

  get energyWh(): number {
    return this.lastCheckpoint && this.meterStartWh !== undefined ? this.lastCheckpoint.meterWh - this.meterStartWh : 0;
  }

  get costFen(): number {
    return priceEnergyByBand(this.input.tariff, this.ledger).energyFen;
  }

  /** Why charging must end now, if it must: pile facts first, then the driver, then the limits. */
  chargingEndReason(now: number): EndReason | undefined {
    if (this.fault) return 'PILE_FAULT';
    if (this.pileStop) return 'PILE_STOPPED';
    if (this.stopRequested) return this.requestedStopReason;
    if (this.cancelledByOperator) return 'OPERATOR_CANCELLED';
    const { policy, limits, tariff } = this.input;
    // Money has one clock, the pile's: the look-ahead prices the next interval by the time the bill will.
    const pileNow = this.lastCheckpoint?.at ?? this.startedAt ?? 0;
    if (now - (this.lastHeardAt ?? now) >= policy.pileSilenceTimeoutMs) return 'PILE_SILENT';
    return stopReasonFor(
      { energyWh: this.energyWh, costFen: this.costFen, powerW: this.powerW, socPercent: this.socPercent, elapsedMs: now - (this.chargingSince ?? now) },
      limits,
      { heldFen: this.heldFen ?? 0, maxDurationMs: policy.maxDurationMs, checkpointIntervalMs: policy.checkpointIntervalMs, fenPerKwhAhead: highestPriceBetween(tariff, pileNow, pileNow + policy.checkpointIntervalMs) },
    );
  }

  /** When the charging loop must look again even if nothing arrives: silence or the maximum duration. */
  nextDeadline(): number {
    const { policy } = this.input;
    return Math.min((this.lastHeardAt ?? 0) + policy.pileSilenceTimeoutMs, (this.chargingSince ?? 0) + policy.maxDurationMs);
  }

  /** Closes the meter: the pile's final reading when it gave one, else the last checkpoint. */
  finishMetering(now: number) {
    const finalReading = this.pileStop
      ? { at: this.pileStop.at, meterWh: this.pileStop.meterStopWh }
      : this.fault?.meterWh !== undefined
        ? { at: this.fault.at, meterWh: this.fault.meterWh }
        : undefined;
    const last = this.lastCheckpoint;
    if (last && finalReading && this.plausible(last, finalReading, now, 'final meter')) {
      this.ledger = addMeteredSegment(this.input.tariff, this.ledger, last, { at: Math.max(finalReading.at, last.at), meterWh: finalReading.meterWh });
      this.lastCheckpoint = { at: Math.max(finalReading.at, last.at), meterWh: finalReading.meterWh };
    }
    this.meterStopWh = this.lastCheckpoint?.meterWh;
    this.stoppedAt = finalReading?.at ?? this.lastCheckpoint?.at ?? now;
  }

  /** Whether `reading` may be billed after `last`; the first reading that may not puts the session up for review. */
  private plausible(last: { at: number; meterWh: number }, reading: { at: number; meterWh: number }, now: number, what: string): boolean {
    const problem = implausibleMeter(last, reading, { ratedPowerW: this.input.pileRatedPowerW, now });
    if (!problem) return true;
    this.rejectedMeterReadings += 1;
    if (this.rejectedMeterReadings === 1) {
      this.flagForReview(`${what} ${reading.meterWh} Wh at ${new Date(reading.at).toISOString()} not billed (${problem}); billed up to ${last.meterWh} Wh`);
    }
    return false;
  }

  get requestedStopReason(): EndReason {
    return this.stopRequestedBy ? 'STAFF_STOPPED' : 'DRIVER_STOPPED';
  }

  flagForReview(reason: string) {
    this.needsReview = true;
    this.reviewReason = this.reviewReason ? `${this.reviewReason}; ${reason}` : reason;
  }

  computeBill(): Bill {
    const energy = priceEnergyByBand(this.input.tariff, this.ledger);
    const idle = idleCharge(this.input.tariff, this.stoppedAt ?? 0, this.connectorFreedAt);
    const bill = settleBill(energy, idle, this.heldFen ?? 0);
    if (bill.uncollectedFen > 0) this.flagForReview(`billed ${bill.uncollectedFen} fen above the hold`);
    return bill;
  }

  /** The fields of the session record, as of now. */
  record() {
    return {
      status: this.status,
      reservedUntil: this.reservedUntil,
      heldFen: this.heldFen,
      meterStartWh: this.meterStartWh,
      meterStopWh: this.meterStopWh,
      energyWh: this.energyWh,
      startedAt: this.startedAt,
      stoppedAt: this.stoppedAt,
      endReason: this.endReason,
      needsReview: this.needsReview,
      reviewReason: this.reviewReason,
      bill: this.bill,
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
      waitingFor,
      status: this.status,
      reservedUntil: this.reservedUntil,
      heldFen: this.heldFen,
      startedAt: this.startedAt,
      stoppedAt: this.stoppedAt,
      meterStartWh: this.meterStartWh,
      energyWh: this.energyWh,
      costFen: this.bill?.totalFen ?? this.costFen,
      powerW: this.powerW,
      socPercent: this.socPercent,
      lastHeardAt: this.lastHeardAt,
      endReason: this.endReason,
      needsReview: this.needsReview,
      reviewReason: this.reviewReason,
      bill: this.bill,
      settlementAttempts: this.settlementAttempts,
    };
  }
}
