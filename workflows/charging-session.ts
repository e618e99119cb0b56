import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getCurrentDetails,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session-activities';
import { type ErrorCode } from '../domain/errors';
import { type EndReason, type SessionStatus, assertTransition, isFinal } from '../domain/session-state';
import {
  type ChargingSessionInput,
  type SessionView,
  type StopChargingRequest,
  admissionUpdate,
  cancelReservationUpdate,
  chargingStartedSignal,
  chargingStoppedSignal,
  connectorFreedSignal,
  meterCheckpointSignal,
  pileAcknowledgedSignal,
  pileFaultedSignal,
  pileReportedIdleSignal,
  retrySettlementUpdate,
  sessionStateQuery,
  startReservedUpdate,
  stopChargingUpdate,
} from './charging-session.messages';
import { type CarriedState, SessionState } from './charging-session.state';
import { sessionSearchAttributes } from './search-attributes';

/**
 * Bookkeeping, money release and pile commands must eventually happen: retried until they succeed. When the
 * workflow is cancelled, a running activity is waited for, so the clean-up knows whether a hold or a claim exists.
 */
const io = proxyActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Capture gives up after a few attempts and hands the session to support (SETTLEMENT_FAILED). */
const settlement = proxyActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 4 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

const refuse = (code: ErrorCode, message: string) => ApplicationFailure.create({ type: code, message, nonRetryable: true });

/** One charging session, from reservation or start to settlement: a durable actor for one pile and one driver. */
export async function chargingSession(input: ChargingSessionInput, carried?: CarriedState): Promise<SessionView> {
  const s = carried ? SessionState.resume(input, carried) : new SessionState(input, Date.now());
  bindMessages(s);
  try {
    if (!carried) await open(s);
    await runPhases(s);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => windDownAfterCancellation(s));
    throw err;
  }
  await condition(allHandlersFinished);
  return s.view(getCurrentDetails());
}

async function runPhases(s: SessionState) {
  while (!isFinal(s.status)) await PHASES[s.status as keyof typeof PHASES](s);
}

/**
 * An operator cancelled the workflow (Temporal UI or CLI). Whatever it was waiting for, the session's business
 * still ends the safe way, out of the cancellation's reach: the pile is told to stop, what it metered is billed
 * (or the hold released when nothing was), the pile is released, and the session is flagged for review.
 */
async function windDownAfterCancellation(s: SessionState) {
  if (isFinal(s.status)) return;
  s.operatorCancelled();
  setCurrentDetails('Cancelled by an operator: stopping the pile and settling what it metered');
  if (s.seq === 0) {
    // Cancelled before the session was opened: it never held the pile or money.
    s.status = 'CANCELLED';
    s.endReason = 'OPERATOR_CANCELLED';
    upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: 'CANCELLED' }]);
    return;
  }
  await runPhases(s);
}

/** Claims the pile and creates the session record; a pile held by another session ends the request REJECTED. */
async function open(s: SessionState) {
  const { input } = s;
  const opened = await io.openSession({
    ...identity(s),
    workflowId: workflowInfo().workflowId,
    status: s.status as 'RESERVED' | 'AUTHORIZING',
    limits: input.limits,
    tariff: input.tariff,
    reservedUntil: s.reservedUntil,
    at: Date.now(),
  });
  if (opened === 'pile_busy') {
    s.status = 'REJECTED';
    s.endReason = 'PILE_BUSY';
    s.admission = { ok: false, code: 'PILE_BUSY', message: `pile ${input.pileId} is reserved or in use by another session` };
    upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: 'REJECTED' }]);
  } else {
    s.seq = 1;
    if (s.status === 'RESERVED') s.admission = { ok: true };
  }
}

function identity(s: SessionState) {
  const { sessionId, userId, pileId, stationId } = s.input;
  return { sessionId, userId, pileId, stationId };
}

async function transition(s: SessionState, to: SessionStatus, reason?: string) {
  const from = s.status;
  assertTransition(from, to);
  s.status = to;
  s.seq += 1;
  upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: to }]);
  // The state has moved: its record is written even when a cancellation arrives meanwhile.
  await CancellationScope.nonCancellable(() => io.recordTransition({ ...identity(s), seq: s.seq, from, to, reason, at: Date.now(), record: s.record() }));
}

/** Ends a session that never charged: gives back the hold and the pile, then records the outcome. */
async function endWithoutCharging(s: SessionState, to: SessionStatus, reason: EndReason) {
  s.endReason = reason;
  setCurrentDetails(`Ended: ${reason}`);
  // An operator's cancellation may have cut in while the hold was being made: release whatever exists.
  if (s.heldFen !== undefined || s.cancelledByOperator) await io.releasePayment(s.input.sessionId);
  await io.releasePile(identity(s));
  await transition(s, to, reason);
}

/** Signs and sends a session command with a nonce of its own; its ack counts only when it echoes that nonce. */
async function commandPile(s: SessionState, step: 'start' | 'start-abort' | 'stop', ackTimeoutMs: number): Promise<string> {
  const { sessionId, pileId } = s.input;
  const commandId = `${sessionId}:${step}`;
  const nonce = s.nonceFor(commandId, uuid4);
  await io.sendPileCommand({ commandId, nonce, pileId, sessionId, type: step === 'start' ? 'start' : 'stop', ttlSeconds: Math.ceil(ackTimeoutMs / 1000) });
  s.commandsSent[commandId] = true;
  return commandId;
}

/**
 * The start did not go as asked (refused, faulted, unanswered, or an operator cancelled): tell a pile that was
 * told to start to stop, so a pile that charges anyway cannot deliver energy nobody pays for, and give it the
 * stop window to say what it did. If it reports charging after all, the session stops and bills the pile's
 * meter; otherwise everything is given back.
 */
async function abortStart(s: SessionState, reason: EndReason) {
  const { policy, sessionId } = s.input;
  s.endReason = reason;
  if (s.commandsSent[`${sessionId}:start`]) {
    setCurrentDetails(`Start failed (${reason}): making sure the pile is not charging`);
    const abort = await commandPile(s, 'start-abort', policy.stopAckTimeoutMs);
    await condition(() => s.acks[abort] !== undefined || s.startedAt !== undefined || s.pileStop !== undefined, policy.stopAckTimeoutMs);
  }
  if (s.startedAt !== undefined) {
    s.flagForReview(`the pile reported charging although the start ended ${reason}; billed from its meter`);
    return transition(s, 'STOPPING', reason);
  }
  return endWithoutCharging(s, s.cancelledByOperator ? 'CANCELLED' : 'START_FAILED', reason);
}

const PHASES = {
  async RESERVED(s: SessionState) {
    if (s.cancelledByOperator) return endWithoutCharging(s, 'CANCELLED', 'OPERATOR_CANCELLED');
    setCurrentDetails(`Reserved until ${new Date(s.reservedUntil!).toISOString()}: waiting for the driver to scan the pile`);
    await condition(() => s.startRequested || s.cancelRequested, Math.max(1, s.reservedUntil! - Date.now()));
    if (s.cancelRequested) return endWithoutCharging(s, 'CANCELLED', 'RESERVATION_CANCELLED');
    if (!s.startRequested) return endWithoutCharging(s, 'EXPIRED', 'RESERVATION_EXPIRED');
    await transition(s, 'AUTHORIZING', 'driver arrived');
  },

  async AUTHORIZING(s: SessionState) {
    if (s.cancelledByOperator) return endWithoutCharging(s, 'CANCELLED', 'OPERATOR_CANCELLED');
    setCurrentDetails('Pre-authorizing payment');
    const decision = await io.authorizePayment({ sessionId: s.input.sessionId, userId: s.input.userId, limits: s.input.limits, policy: s.input.policy.preauth });
    if (!decision.approved) {
      s.admission = {
        ok: false,
        code: 'INSUFFICIENT_BALANCE',
        message: `wallet balance ${decision.availableFen} fen is below the ${decision.requiredFen} fen needed to start`,
      };
      return endWithoutCharging(s, 'DECLINED', 'INSUFFICIENT_BALANCE');
    }
    s.heldFen = decision.holdFen;
    await transition(s, 'STARTING', `held ${decision.holdFen} fen`);
    s.admission = { ok: true };
  },

  async STARTING(s: SessionState) {
    const { policy } = s.input;
    if (!s.cancelledByOperator) {
      setCurrentDetails('Waiting for the pile to acknowledge the start command');
      const start = await commandPile(s, 'start', policy.startAckTimeoutMs);
      await condition(
        () => s.startedAt !== undefined || s.acks[start]?.accepted === false || s.stopRequested || s.fault !== undefined || s.pileStop !== undefined,
        policy.startAckTimeoutMs,
      );
    }
    if (s.startedAt !== undefined) return transition(s, 'CHARGING', `meter start ${s.meterStartWh} Wh`);
    if (s.stopRequested) {
      s.endReason = s.requestedStopReason;
      return transition(s, 'STOPPING', 'stopped before the pile started');
    }
    const refused = s.acks[`${s.input.sessionId}:start`]?.accepted === false;
    return abortStart(s, s.cancelledByOperator ? 'OPERATOR_CANCELLED' : s.fault ? 'PILE_FAULT' : refused ? 'START_REFUSED' : 'START_NOT_ACKNOWLEDGED');
  },

  async CHARGING(s: SessionState) {
    setCurrentDetails('Charging: taking meter checkpoints until a stop condition is met');
    // One timer for silence and the maximum duration, re-armed only when it fires, so each checkpoint
    // costs a signal and a workflow task in history, not a timer as well.
    let timer: CancellationScope | undefined;
    let timerFired = false;
    const arm = () => {
      timer?.cancel();
      timerFired = false;
      const scope = (timer = new CancellationScope());
      scope
        .run(() => sleep(Math.max(1, s.nextDeadline() - Date.now())))
        .then(() => (timerFired = true))
        .catch((err) => {
          if (!isCancellation(err)) throw err;
        });
    };
    arm();
    try {
      for (;;) {
        await condition(() => timerFired || s.attention);
        s.attention = false;
        const reason = s.chargingEndReason(Date.now());
        if (reason) {
          s.endReason = reason;
          return await transition(s, 'STOPPING', reason);
        }
        if (workflowInfo().historyLength >= s.input.policy.historyEventLimit || workflowInfo().continueAsNewSuggested) {
          // Hand over from an activation led by a timer: signals delivered with it are applied first (even
          // when the server rejects the hand-over and the task is replayed), so the snapshot misses none.
          timer?.cancel();
          await sleep(1);
          if (allHandlersFinished()) await continueAsNew<typeof chargingSession>(s.input, s.snapshot());
          arm();
        } else if (timerFired) {
          arm();
        }
      }
    } finally {
      timer?.cancel();
    }
  },

  async STOPPING(s: SessionState) {
    const { policy, tariff } = s.input;
    // The bill is the pile's meter whenever the pile tells it: a pile that fell silent is given the same time to
    // come back with its final meter (sessions that stopped before this was so keep their recorded course).
    const awaitFinalMeter = s.endReason !== 'PILE_SILENT' || patched('final-meter-after-silence');
    let pileResponsive = s.fault === undefined && awaitFinalMeter;
    if (s.pileStop === undefined && s.fault === undefined) {
      setCurrentDetails('Waiting for the pile to confirm the stop and report its final meter');
      await commandPile(s, 'stop', policy.stopAckTimeoutMs);
      if (pileResponsive && !(await condition(() => s.pileStop !== undefined || s.fault !== undefined, policy.stopAckTimeoutMs))) {
        s.flagForReview('the pile never confirmed the stop; billed from the last checkpoint');
        pileResponsive = false;
      }
    }
    s.finishMetering(Date.now());
    // Occupancy is billed only when the pile can tell us the connector is free again.
    if (tariff.idleFeeFenPerMinute > 0 && pileResponsive && s.fault === undefined && s.connectorFreedAt === undefined) {
      setCurrentDetails(`Charging done: waiting for the connector to be unplugged (idle fee after ${tariff.idleGraceMinutes} min)`);
      const freed = await condition(() => s.connectorFreedAt !== undefined, policy.idleWaitMaxMs);
      if (!freed) {
        s.connectorFreedAt = s.stoppedAt! + policy.idleWaitMaxMs; // on the pile's clock, like the rest of the bill
        s.flagForReview('connector not reported free; idle fee capped at the maximum wait');
      }
    }
    await io.releasePile(identity(s));
    await transition(s, 'SETTLING', s.endReason);
  },

  async SETTLING(s: SessionState) {
    setCurrentDetails('Capturing the bill from the hold');
    const bill = s.computeBill();
    s.settlementAttempts += 1;
    try {
      await settlement.captureSettlement({ ...identity(s), bill });
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      s.flagForReview(`settlement failed: ${err.cause?.message ?? err.message}`);
      return transition(s, 'SETTLEMENT_FAILED', err.cause?.message ?? err.message);
    }
    s.bill = bill;
    setCurrentDetails('Completed');
    await transition(s, 'COMPLETED', `captured ${bill.capturedFen} fen, released ${bill.releasedFen} fen`);
  },

  async SETTLEMENT_FAILED(s: SessionState) {
    setCurrentDetails('Settlement failed: waiting for support to retry');
    await condition(() => s.retryRequested);
    s.retryRequested = false;
    await transition(s, 'SETTLING', `retried by ${s.retryRequestedBy}`);
  },
};

function bindMessages(s: SessionState) {
  const view = () => s.view(getCurrentDetails());
  const now = () => Date.now();

  setHandler(pileAcknowledgedSignal, (ack) => {
    if (!s.acknowledge(ack)) log.warn('ignored an ack that is not of a command this session signed, or not its first', { commandId: ack.commandId });
  });
  setHandler(chargingStartedSignal, (event) => s.chargingStarted(event, now()));
  setHandler(meterCheckpointSignal, (reading) => void s.checkpoint(reading, now()));
  setHandler(chargingStoppedSignal, (event) => s.chargingStopped(event));
  setHandler(pileFaultedSignal, (event) => s.faulted(event));
  setHandler(connectorFreedSignal, (event) => s.connectorFreed(event));
  setHandler(pileReportedIdleSignal, (event) => s.pileReportedIdle(event));
  setHandler(sessionStateQuery, view);

  setHandler(admissionUpdate, async () => {
    await condition(() => s.admission !== undefined);
    const admission = s.admission!;
    if (!admission.ok) throw refuse(admission.code, admission.message);
    return view();
  });

  setHandler(
    startReservedUpdate,
    async () => {
      s.startRequested = true;
      await condition(() => s.status !== 'RESERVED' && s.status !== 'AUTHORIZING');
      const admission = s.admission;
      if (admission?.ok === false) throw refuse(admission.code, admission.message);
      return view();
    },
    { validator: () => requireStatus(s, ['RESERVED'], 'only a reserved session can be started this way') },
  );

  setHandler(
    cancelReservationUpdate,
    async () => {
      s.cancelRequested = true;
      await condition(() => s.status !== 'RESERVED');
      return view();
    },
    { validator: () => requireStatus(s, ['RESERVED'], 'only a reservation that has not started can be cancelled') },
  );

  setHandler(
    stopChargingUpdate,
    // `request` is undefined in histories recorded before the update took an input.
    async (request: StopChargingRequest | undefined) => {
      if (s.status === 'STARTING' || s.status === 'CHARGING') {
        if (request?.staff && !s.stopRequested) {
          s.stopRequestedBy = request.staff;
          s.flagForReview(`stopped by ${request.staff.role} ${request.staff.userId}: ${request.staff.reason}`);
        }
        s.stopRequested = true;
        s.attention = true;
        await condition(() => s.status !== 'STARTING' && s.status !== 'CHARGING');
      }
      return view();
    },
    {
      validator: (_request: StopChargingRequest | undefined) =>
        requireStatus(s, ['STARTING', 'CHARGING', 'STOPPING', 'SETTLING', 'SETTLEMENT_FAILED', 'COMPLETED'], 'nothing is charging yet'),
    },
  );

  setHandler(
    retrySettlementUpdate,
    async ({ requestedBy }) => {
      s.retryRequested = true;
      s.retryRequestedBy = requestedBy;
      await condition(() => s.status !== 'SETTLEMENT_FAILED');
      return view();
    },
    {
      validator: (_request: { requestedBy: string }) => {
        requireStatus(s, ['SETTLEMENT_FAILED'], 'only a failed settlement can be retried');
        if (s.retryRequested) throw refuse('SESSION_STATE_CONFLICT', 'a settlement retry is already under way');
      },
    },
  );
}

function requireStatus(s: SessionState, allowed: SessionStatus[], message: string) {
  if (!allowed.includes(s.status)) {
    throw refuse('SESSION_STATE_CONFLICT', `${message} (session is ${s.status})`);
  }
}
