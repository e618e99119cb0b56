import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getCurrentDetails,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session-activities';
import { ErrorCode } from '../domain/errors';
import { EndReason, SessionStatus, assertTransition, isFinal } from '../domain/session-state';
import {
  ChargingSessionInput,
  SessionView,
  StopChargingRequest,
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
import { CarriedState, SessionState } from './charging-session.state';
import { sessionSearchAttributes } from './search-attributes';

/** Bookkeeping, money release and pile commands must eventually happen: retried until they succeed. */
const io = proxyActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Capture gives up after a few attempts and hands the session to support (SETTLEMENT_FAILED). */
const settlement = proxyActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 4 },
});

const refuse = (code: ErrorCode, message: string) => ApplicationFailure.create({ type: code, message, nonRetryable: true });

/** One charging session, from reservation or start to settlement: a durable actor for one pile and one driver. */
export async function chargingSession(input: ChargingSessionInput, carried?: CarriedState): Promise<SessionView> {
  const s = carried ? SessionState.resume(input, carried) : new SessionState(input, Date.now());
  bindMessages(s);

  if (!carried) {
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

  while (!isFinal(s.status)) await PHASES[s.status as keyof typeof PHASES](s);

  await condition(allHandlersFinished);
  return s.view(getCurrentDetails());
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
  await io.recordTransition({ ...identity(s), seq: s.seq, from, to, reason, at: Date.now(), record: s.record() });
}

/** Ends a session that never charged: gives back the hold and the pile, then records the outcome. */
async function endWithoutCharging(s: SessionState, to: SessionStatus, reason: EndReason) {
  s.endReason = reason;
  setCurrentDetails(`Ended: ${reason}`);
  if (s.heldFen !== undefined) await io.releasePayment(s.input.sessionId);
  await io.releasePile(identity(s));
  await transition(s, to, reason);
}

const PHASES = {
  async RESERVED(s: SessionState) {
    setCurrentDetails(`Reserved until ${new Date(s.reservedUntil!).toISOString()}: waiting for the driver to scan the pile`);
    await condition(() => s.startRequested || s.cancelRequested, Math.max(1, s.reservedUntil! - Date.now()));
    if (s.cancelRequested) return endWithoutCharging(s, 'CANCELLED', 'RESERVATION_CANCELLED');
    if (!s.startRequested) return endWithoutCharging(s, 'EXPIRED', 'RESERVATION_EXPIRED');
    await transition(s, 'AUTHORIZING', 'driver arrived');
  },

  async AUTHORIZING(s: SessionState) {
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
    const { sessionId, pileId, policy } = s.input;
    const commandId = `${sessionId}:start`;
    setCurrentDetails('Waiting for the pile to acknowledge the start command');
    await io.sendPileCommand({ commandId, pileId, sessionId, type: 'start', ttlSeconds: Math.ceil(policy.startAckTimeoutMs / 1000) });
    await condition(
      () => s.startedAt !== undefined || s.acks[commandId]?.accepted === false || s.stopRequested || s.fault !== undefined || s.pileStop !== undefined,
      policy.startAckTimeoutMs,
    );
    if (s.startedAt !== undefined) return transition(s, 'CHARGING', `meter start ${s.meterStartWh} Wh`);
    if (s.stopRequested) {
      s.endReason = s.requestedStopReason;
      return transition(s, 'STOPPING', 'stopped before the pile started');
    }
    if (s.acks[commandId]?.accepted === false || s.fault) {
      return endWithoutCharging(s, 'START_FAILED', s.fault ? 'PILE_FAULT' : 'START_REFUSED');
    }
    // No answer: make sure a late start cannot leave the pile delivering energy nobody pays for.
    await io.sendPileCommand({ commandId: `${sessionId}:start-abort`, pileId, sessionId, type: 'stop', ttlSeconds: Math.ceil(policy.stopAckTimeoutMs / 1000) });
    return endWithoutCharging(s, 'START_FAILED', 'START_NOT_ACKNOWLEDGED');
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
    const { sessionId, pileId, policy, tariff } = s.input;
    // The bill is the pile's meter whenever the pile tells it: a pile that fell silent is given the same time to
    // come back with its final meter (sessions that stopped before this was so keep their recorded course).
    const awaitFinalMeter = s.endReason !== 'PILE_SILENT' || patched('final-meter-after-silence');
    let pileResponsive = s.fault === undefined && awaitFinalMeter;
    if (s.pileStop === undefined && s.fault === undefined) {
      setCurrentDetails('Waiting for the pile to confirm the stop and report its final meter');
      await io.sendPileCommand({ commandId: `${sessionId}:stop`, pileId, sessionId, type: 'stop', ttlSeconds: Math.ceil(policy.stopAckTimeoutMs / 1000) });
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
        s.connectorFreedAt = Date.now();
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
      if (!(err instanceof ActivityFailure)) throw err;
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

  setHandler(pileAcknowledgedSignal, (ack) => s.acknowledge(ack));
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
