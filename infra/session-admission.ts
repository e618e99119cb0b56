import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { CHARGING_SESSION_WORKFLOW, type ChargingSessionInput, type SessionView, admissionUpdate, sessionWorkflowId } from '../workflows/charging-session.messages';
import { sessionSearchAttributes } from '../workflows/search-attributes';

/**
 * Starts a session's workflow (or finds the running one of its id) and waits until it is admitted: it holds the pile
 * and, unless reserved, the driver's pre-authorization. The one way a session begins, whoever asks (a driver through
 * the API, an operator's start, a card tapped on an OCPP charger). A refusal is the update's failure (an
 * ApplicationFailure typed INSUFFICIENT_BALANCE, PILE_BUSY …); a closed session of the same id fails with
 * WorkflowExecutionAlreadyStartedError (REJECT_DUPLICATE).
 */
export async function admitSession(temporal: Client, taskQueue: string, input: ChargingSessionInput, summary: string): Promise<SessionView> {
  const { sessionId, pileId, stationId, userId, status } = sessionSearchAttributes;
  const start = new WithStartWorkflowOperation(CHARGING_SESSION_WORKFLOW, {
    workflowId: sessionWorkflowId(input.sessionId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: summary,
    typedSearchAttributes: [
      { key: sessionId, value: input.sessionId },
      { key: pileId, value: input.pileId },
      { key: stationId, value: input.stationId },
      { key: userId, value: input.userId },
      { key: status, value: input.reserve ? 'RESERVED' : 'AUTHORIZING' },
    ],
  });
  return temporal.workflow.executeUpdateWithStart(admissionUpdate, { startWorkflowOperation: start });
}
