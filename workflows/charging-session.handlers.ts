import { ApplicationFailure, condition, getCurrentDetails, log, setHandler } from '@temporalio/workflow';
import { type ErrorCode } from '../domain/errors';
import { type SessionStatus } from '../domain/session-state';
import {
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
import { type SessionState } from './charging-session.state';

const refuse = (code: ErrorCode, message: string) => ApplicationFailure.create({ type: code, message, nonRetryable: true });

/**
 * The session's message handlers: facts from the pile go straight into the state; requests from people are
 * validated updates that record the request and answer once the session has acted on it. A refusal is an
 * ApplicationFailure whose type is a domain ErrorCode (the API maps it to a status code).
 */
export function bindMessages(s: SessionState) {
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
      s.startRequested();
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
      s.cancelRequested();
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
        s.stopRequestedBy(request?.staff);
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
      s.retryRequestedBy(requestedBy);
      await condition(() => s.status !== 'SETTLEMENT_FAILED');
      return view();
    },
    {
      validator: (_request: { requestedBy: string }) => {
        requireStatus(s, ['SETTLEMENT_FAILED'], 'only a failed settlement can be retried');
        if (s.isRetryRequested) throw refuse('SESSION_STATE_CONFLICT', 'a settlement retry is already under way');
      },
    },
  );
}

function requireStatus(s: SessionState, allowed: SessionStatus[], message: string) {
  if (!allowed.includes(s.status)) {
    throw refuse('SESSION_STATE_CONFLICT', `${message} (session is ${s.status})`);
  }
}
