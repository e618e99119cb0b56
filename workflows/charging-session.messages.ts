import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Bill } from '../domain/billing';
import type { Fen, Wh } from '../domain/money';
import type { PaymentMode } from '../domain/payscore';
import type { PreauthPolicy } from '../domain/preauthorization';
import type { EndReason, SessionStatus } from '../domain/session-state';
import type { DriverLimits } from '../domain/stop-conditions';
import type { Tariff } from '../domain/tariff';

/**
 * The charging session workflow's contract: its input, the messages it accepts and the state it exposes.
 * The API and the gateway import this module, never the workflow itself.
 */
export const CHARGING_SESSION_WORKFLOW = 'chargingSession';

/** The task queue session workers poll and the API starts sessions on, unless TEMPORAL_TASK_QUEUE names another. */
export const CHARGING_SESSION_TASK_QUEUE = 'charging-sessions';

export function sessionWorkflowId(sessionId: string): string {
  return `charging-session-${sessionId}`;
}

export interface SessionPolicy {
  reservationMs: number;
  startAckTimeoutMs: number;
  stopAckTimeoutMs: number;
  pileSilenceTimeoutMs: number;
  maxDurationMs: number;
  idleWaitMaxMs: number;
  checkpointIntervalMs: number;
  preauth: PreauthPolicy;
  /** Continue-as-new once the history has this many events (Temporal warns at 10k, fails at 50k). */
  historyEventLimit: number;
}

export interface ChargingSessionInput {
  sessionId: string;
  userId: string;
  pileId: string;
  stationId: string;
  /** The station's tariff when the session was requested; the bill uses this snapshot. */
  tariff: Tariff;
  limits: DriverLimits;
  /** Hold the pile first (RESERVED) instead of starting right away. */
  reserve: boolean;
  policy: SessionPolicy;
  /** The pile's rated power: meter readings rising faster are not billed. Absent in sessions started before it was recorded. */
  pileRatedPowerW?: number;
  /** How the driver pays; absent in sessions started before the choice existed: the wallet. Recorded when the session opens. */
  paymentMode?: PaymentMode;
}

// Facts from the pile, relayed by the device gateway.
export interface PileAcknowledgement {
  commandId: string;
  /** Echoed from the signed command; an ack counts only when it matches the nonce the session signed. */
  nonce?: string;
  accepted: boolean;
  reason?: string;
}
export interface ChargingStarted {
  at: number;
  meterStartWh: Wh;
}
export interface MeterCheckpoint {
  at: number;
  meterWh: Wh;
  /** Absent when the reading came without a power sample (a status on reconnecting, a rejected reading). */
  powerW?: number;
  socPercent?: number;
}
export interface ChargingStopped {
  at: number;
  meterStopWh: Wh;
  reason: string;
}
export interface PileFaulted {
  at: number;
  code: string;
  meterWh?: Wh;
}
export interface ConnectorFreed {
  at: number;
}
/** The pile says it is idle (on reconnecting, or after losing its session), with its meter when it reports one. */
export interface PileReportedIdle {
  at: number;
  meterWh?: Wh;
}

export const pileAcknowledgedSignal = defineSignal<[PileAcknowledgement]>('pileAcknowledged');
export const chargingStartedSignal = defineSignal<[ChargingStarted]>('chargingStarted');
export const meterCheckpointSignal = defineSignal<[MeterCheckpoint]>('meterCheckpoint');
export const chargingStoppedSignal = defineSignal<[ChargingStopped]>('chargingStopped');
export const pileFaultedSignal = defineSignal<[PileFaulted]>('pileFaulted');
export const connectorFreedSignal = defineSignal<[ConnectorFreed]>('connectorFreed');
export const pileReportedIdleSignal = defineSignal<[PileReportedIdle]>('pileReportedIdle');

export interface SessionView {
  sessionId: string;
  status: SessionStatus;
  /** What the workflow is waiting for right now, in words. */
  waitingFor: string;
  pileId: string;
  stationId: string;
  userId: string;
  limits: DriverLimits;
  paymentMode: PaymentMode;
  reservedUntil?: number;
  heldFen?: Fen;
  startedAt?: number;
  stoppedAt?: number;
  meterStartWh?: Wh;
  energyWh: Wh;
  costFen: Fen;
  powerW: number;
  socPercent?: number;
  lastHeardAt?: number;
  endReason?: EndReason;
  needsReview: boolean;
  reviewReason?: string;
  bill?: Bill;
  settlementAttempts: number;
}

// Commands that can be refused are validated updates; a refusal is an ApplicationFailure whose type is
// a domain ErrorCode (PILE_BUSY, INSUFFICIENT_BALANCE, SESSION_STATE_CONFLICT).
/** Resolves once the session holds the pile (reserved) or the money (starting); sent with the start. */
export const admissionUpdate = defineUpdate<SessionView>('admission');
export const startReservedUpdate = defineUpdate<SessionView>('startReserved');
export const cancelReservationUpdate = defineUpdate<SessionView>('cancelReservation');
/**
 * `{}`: the driver stops their own session. A staff stop names who and why; it ends STAFF_STOPPED and is flagged for
 * review. (Histories from before this input carry no argument; the handler reads that as the driver.)
 */
export interface StopChargingRequest {
  staff?: { userId: string; role: string; reason: string };
}
export const stopChargingUpdate = defineUpdate<SessionView, [StopChargingRequest]>('stopCharging');
export const retrySettlementUpdate = defineUpdate<SessionView, [{ requestedBy: string }]>('retrySettlement');

export const sessionStateQuery = defineQuery<SessionView>('sessionState');
