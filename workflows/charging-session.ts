import {
  ActivityCancellationType,
  ActivityFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getCurrentDetails,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SessionActivities } from '../activities/session-activities';
import { heldReason } from '../domain/preauthorization';
import { type EndReason, type SessionStatus, isFinal } from '../domain/session-state';
import { bindMessages } from './charging-session.handlers';
import { drawCommandNonce } from './command-nonce';
import { type ChargingSessionInput, type SessionView } from './charging-session.messages';
import { type CarriedState, SessionState } from './charging-session.state';
import { sessionSearchAttributes } from './search-attributes';
import { WakeUpTimer } from './wake-up-timer';

/**
 * Bookkeeping, money release and pile commands must eventually happen: retried until they succeed. When the
 * workflow is cancelled, a running activity is waited for, so the clean-up knows whether a hold or a claim exists.
 */
const untilDone = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
} as const;
const io = proxyActivities<SessionActivities>(untilDone);
/** The same, run by the worker inside the workflow task that asks for it: no round trip through the task queue. */
const localIo = proxyLocalActivities<SessionActivities>(untilDone);

/**
 * Where the steps of a start and a stop run (the transition records and the pile commands): as local activities,
 * which saves a workflow task and an activity task each. Histories recorded before they were local replay as
 * they ran (the patch marker).
 */
function stepIo() {
  return patched('local-transitions-and-commands') ? localIo : io;
}

/** Capture gives up after a few attempts and hands the session to support (SETTLEMENT_FAILED). */
const settlement = proxyActivities<SessionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 4 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

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
  s.cancelledByOperator();
  setCurrentDetails('Cancelled by an operator: stopping the pile and settling what it metered');
  if (!s.isOpen) {
    s.cancelledBeforeOpening();
    upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: s.status }]);
    return;
  }
  await runPhases(s);
}

/** Claims the pile and creates the session record; a pile held by another session ends the request REJECTED. */
async function open(s: SessionState) {
  if (s.status === 'AUTHORIZING' && patched('admission-in-one-activity')) return admit(s);
  const { input } = s;
  const opened = await io.openSession({
    ...s.identity,
    workflowId: workflowInfo().workflowId,
    paymentMode: input.paymentMode,
    status: s.status as 'RESERVED' | 'AUTHORIZING',
    limits: input.limits,
    tariff: input.tariff,
    reservedUntil: s.reservedUntil,
    at: Date.now(),
  });
  if (opened === 'pile_busy') rejectBecausePileBusy(s);
  else s.opened();
}

function rejectBecausePileBusy(s: SessionState) {
  s.rejectedBecausePileBusy();
  upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: s.status }]);
}

/**
 * A direct start in one activity instead of three (open, authorize, record STARTING): the session ends as the
 * three steps would have ended it — REJECTED when the pile is busy, DECLINED without a hold, else STARTING.
 */
async function admit(s: SessionState) {
  const { input } = s;
  const admission = await io.admitSession({
    ...s.identity,
    workflowId: workflowInfo().workflowId,
    paymentMode: input.paymentMode,
    status: 'AUTHORIZING',
    limits: input.limits,
    tariff: input.tariff,
    policy: input.policy.preauth,
    startingRecord: { ...s.record(), status: 'STARTING' },
    at: Date.now(),
  });
  if (admission.outcome === 'pile_busy') return rejectBecausePileBusy(s);
  s.opened();
  if (admission.outcome === 'declined') return endWithoutCharging(s, 'DECLINED', s.declined(admission.decision));
  s.preauthorized(admission.starting.record.heldFen!);
  s.movedTo('STARTING');
  upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: s.status }]);
  s.admitted();
}

async function transition(s: SessionState, to: SessionStatus, reason?: string) {
  const { from, seq } = s.movedTo(to);
  upsertSearchAttributes([{ key: sessionSearchAttributes.status, value: to }]);
  // The state has moved: its record is written even when a cancellation arrives meanwhile.
  await CancellationScope.nonCancellable(() => stepIo().recordTransition({ ...s.identity, seq, from, to, reason, at: Date.now(), record: s.record() }));
}

/** Ends a session that never charged: gives back the hold and the pile, then records the outcome. */
async function endWithoutCharging(s: SessionState, to: SessionStatus, reason: EndReason) {
  s.endingBecause(reason);
  setCurrentDetails(`Ended: ${reason}`);
  if (s.mayHoldMoney) await io.releasePayment(s.input.sessionId);
  await io.releasePile(s.identity);
  await transition(s, to, reason);
}

type CommandStep = 'start' | 'start-abort' | 'stop';

/** The id of the session's command for `step`: one per step, so a command sent again is the same command. */
function commandIdOf(s: SessionState, step: CommandStep): string {
  return `${s.input.sessionId}:${step}`;
}

/** Signs and sends a session command with a nonce of its own; its ack counts only when it echoes that nonce. */
async function commandPile(s: SessionState, step: CommandStep, ackTimeoutMs: number): Promise<string> {
  const { sessionId, pileId } = s.input;
  const commandId = commandIdOf(s, step);
  const nonce = s.nonceFor(commandId, () => drawCommandNonce(commandId));
  await stepIo().sendPileCommand({ commandId, nonce, pileId, sessionId, type: step === 'start' ? 'start' : 'stop', ttlSeconds: Math.ceil(ackTimeoutMs / 1000) });
  s.commandSent(commandId);
  return commandId;
}

/**
 * The start did not go as asked (refused, faulted, unanswered, or an operator cancelled): tell a pile that was
 * told to start to stop, so a pile that charges anyway cannot deliver energy nobody pays for, and give it the
 * stop window to say what it did. If it reports charging after all, the session stops and bills the pile's
 * meter; otherwise everything is given back.
 */
async function abortStart(s: SessionState, reason: EndReason) {
  const { policy } = s.input;
  s.endingBecause(reason);
  if (s.wasSent(commandIdOf(s, 'start'))) {
    setCurrentDetails(`Start failed (${reason}): making sure the pile is not charging`);
    const abort = await commandPile(s, 'start-abort', policy.stopAckTimeoutMs);
    await condition(() => s.ackOf(abort) !== undefined || s.hasStartedCharging || s.pileHasStopped, policy.stopAckTimeoutMs);
  }
  if (s.hasStartedCharging) {
    s.chargingDespiteFailedStart();
    return transition(s, 'STOPPING', reason);
  }
  return endWithoutCharging(s, s.isCancelledByOperator ? 'CANCELLED' : 'START_FAILED', reason);
}

const PHASES = {
  async RESERVED(s: SessionState) {
    if (s.isCancelledByOperator) return endWithoutCharging(s, 'CANCELLED', 'OPERATOR_CANCELLED');
    setCurrentDetails(`Reserved until ${new Date(s.reservedUntil!).toISOString()}: waiting for the driver to scan the pile`);
    await condition(() => s.isStartRequested || s.isCancelRequested, Math.max(1, s.reservedUntil! - Date.now()));
    if (s.isCancelRequested) return endWithoutCharging(s, 'CANCELLED', 'RESERVATION_CANCELLED');
    if (!s.isStartRequested) return endWithoutCharging(s, 'EXPIRED', 'RESERVATION_EXPIRED');
    await transition(s, 'AUTHORIZING', 'driver arrived');
  },

  async AUTHORIZING(s: SessionState) {
    if (s.isCancelledByOperator) return endWithoutCharging(s, 'CANCELLED', 'OPERATOR_CANCELLED');
    setCurrentDetails('Pre-authorizing payment');
    const decision = await io.authorizePayment({ sessionId: s.input.sessionId, userId: s.input.userId, limits: s.input.limits, policy: s.input.policy.preauth });
    if (!decision.approved) {
      return endWithoutCharging(s, 'DECLINED', s.declined(decision));
    }
    s.preauthorized(decision.holdFen);
    await transition(s, 'STARTING', heldReason(decision.holdFen));
    s.admitted();
  },

  async STARTING(s: SessionState) {
    const { policy } = s.input;
    const refused = () => s.ackOf(commandIdOf(s, 'start'))?.accepted === false;
    if (!s.isCancelledByOperator) {
      setCurrentDetails('Waiting for the pile to acknowledge the start command');
      await commandPile(s, 'start', policy.startAckTimeoutMs);
      await condition(() => s.hasStartedCharging || refused() || s.isStopRequested || s.hasFaulted || s.pileHasStopped, policy.startAckTimeoutMs);
    }
    if (s.hasStartedCharging) return transition(s, 'CHARGING', `meter start ${s.meterStartWh} Wh`);
    if (s.isStopRequested) {
      s.endingBecause(s.requestedStopReason);
      return transition(s, 'STOPPING', 'stopped before the pile started');
    }
    return abortStart(s, s.isCancelledByOperator ? 'OPERATOR_CANCELLED' : s.hasFaulted ? 'PILE_FAULT' : refused() ? 'START_REFUSED' : 'START_NOT_ACKNOWLEDGED');
  },

  async CHARGING(s: SessionState) {
    setCurrentDetails('Charging: taking meter checkpoints until a stop condition is met');
    // Facts from the pile wake the loop; the timer wakes it for silence and the maximum duration. It is re-armed
    // only when it rings, so each checkpoint costs a signal and a workflow task in history, not a timer as well.
    const deadline = new WakeUpTimer();
    deadline.armAt(s.nextDeadline());
    try {
      for (;;) {
        await condition(() => deadline.rang || s.wantsAttention);
        s.attended();
        const reason = s.chargingEndReason(Date.now());
        if (reason) {
          s.endingBecause(reason);
          return await transition(s, 'STOPPING', reason);
        }
        if (historyIsLong(s)) {
          deadline.cancel();
          await continueInANewRun(s);
          deadline.armAt(s.nextDeadline());
        } else if (deadline.rang) {
          deadline.armAt(s.nextDeadline());
        }
      }
    } finally {
      deadline.cancel();
    }
  },

  async STOPPING(s: SessionState) {
    const { policy, tariff } = s.input;
    // The bill is the pile's meter whenever the pile tells it: a pile that fell silent is given the same time to
    // come back with its final meter (sessions that stopped before this was so keep their recorded course).
    const awaitFinalMeter = s.endReason !== 'PILE_SILENT' || patched('final-meter-after-silence');
    let pileResponsive = !s.hasFaulted && awaitFinalMeter;
    if (!s.pileHasStopped && !s.hasFaulted) {
      setCurrentDetails('Waiting for the pile to confirm the stop and report its final meter');
      await commandPile(s, 'stop', policy.stopAckTimeoutMs);
      if (pileResponsive && !(await condition(() => s.pileHasStopped || s.hasFaulted, policy.stopAckTimeoutMs))) {
        s.stopNeverConfirmed();
        pileResponsive = false;
      }
    }
    s.finishMetering(Date.now());
    // Occupancy is billed only when the pile can tell us the connector is free again.
    if (tariff.idleFeeFenPerMinute > 0 && pileResponsive && !s.hasFaulted && !s.isConnectorFreed) {
      setCurrentDetails(`Charging done: waiting for the connector to be unplugged (idle fee after ${tariff.idleGraceMinutes} min)`);
      const freed = await condition(() => s.isConnectorFreed, policy.idleWaitMaxMs);
      if (!freed) s.connectorNeverReportedFree();
    }
    await io.releasePile(s.identity);
    await transition(s, 'SETTLING', s.endReason);
  },

  async SETTLING(s: SessionState) {
    setCurrentDetails('Capturing the bill from the hold');
    const bill = s.captureAttempted();
    try {
      await settlement.captureSettlement({ ...s.identity, bill });
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      const why = err.cause?.message ?? err.message;
      s.captureFailed(why);
      return transition(s, 'SETTLEMENT_FAILED', why);
    }
    s.settled(bill);
    setCurrentDetails('Completed');
    await transition(s, 'COMPLETED', `captured ${bill.capturedFen} fen, released ${bill.releasedFen} fen`);
  },

  async SETTLEMENT_FAILED(s: SessionState) {
    setCurrentDetails('Settlement failed: waiting for support to retry');
    await condition(() => s.isRetryRequested);
    const requestedBy = s.retryTakenUp();
    await transition(s, 'SETTLING', `retried by ${requestedBy}`);
  },
};

/** Whether the history has grown enough that the session should go on in a fresh run. */
function historyIsLong(s: SessionState): boolean {
  const info = workflowInfo();
  return info.historyLength >= s.input.policy.historyEventLimit || info.continueAsNewSuggested;
}

/**
 * Continues as new with what the session knows, unless a message handler is still at work (then it returns, and
 * the session goes on in this run). Called from an activation led by a timer: signals delivered with it are
 * applied first (even when the server rejects the hand-over and the task is replayed), so the snapshot misses none.
 */
async function continueInANewRun(s: SessionState) {
  await sleep(1);
  if (allHandlersFinished()) await continueAsNew<typeof chargingSession>(s.input, s.snapshot());
}
