import * as messages from './charging-session.messages';
import { chargingSession } from './charging-session';
import { sessionSearchAttributes } from './search-attributes';

/**
 * These names are on the wire and in recorded histories: the API, the gateway and running sessions use them.
 * Renaming one breaks every session already running (ADR 7): add a new message behind `patched()` instead.
 */
describe('the charging session contract', () => {
  const PINNED_MESSAGES = [
    ['pileAcknowledgedSignal', 'signal', 'pileAcknowledged'],
    ['chargingStartedSignal', 'signal', 'chargingStarted'],
    ['meterCheckpointSignal', 'signal', 'meterCheckpoint'],
    ['chargingStoppedSignal', 'signal', 'chargingStopped'],
    ['pileFaultedSignal', 'signal', 'pileFaulted'],
    ['connectorFreedSignal', 'signal', 'connectorFreed'],
    ['pileReportedIdleSignal', 'signal', 'pileReportedIdle'],
    ['admissionUpdate', 'update', 'admission'],
    ['startReservedUpdate', 'update', 'startReserved'],
    ['cancelReservationUpdate', 'update', 'cancelReservation'],
    ['stopChargingUpdate', 'update', 'stopCharging'],
    ['retrySettlementUpdate', 'update', 'retrySettlement'],
    ['sessionStateQuery', 'query', 'sessionState'],
  ] as const;

  it.each(PINNED_MESSAGES)('%s is the %s named %s', (exported, kind, wireName) => {
    expect(messages[exported]).toMatchObject({ type: kind, name: wireName });
  });

  it('pins every message the module defines', () => {
    const defined = Object.entries(messages)
      .filter(([, value]) => typeof value === 'object' && value !== null && ['signal', 'update', 'query'].includes((value as { type?: string }).type ?? ''))
      .map(([exported]) => exported);
    expect(defined.sort()).toEqual(PINNED_MESSAGES.map(([exported]) => exported).sort());
  });

  it('names the workflow type chargingSession, as the worker registers it', () => {
    expect(messages.CHARGING_SESSION_WORKFLOW).toBe('chargingSession');
    expect(chargingSession.name).toBe(messages.CHARGING_SESSION_WORKFLOW);
  });

  it('runs on the task queue charging-sessions by default', () => {
    expect(messages.CHARGING_SESSION_TASK_QUEUE).toBe('charging-sessions');
  });

  it('gives each session the workflow id charging-session-<session id>, so one session is one workflow', () => {
    expect(messages.sessionWorkflowId('4f0c2a1e-session')).toBe('charging-session-4f0c2a1e-session');
  });

  it('registers the search attributes operators query in the Temporal UI under fixed names', () => {
    expect(Object.fromEntries(Object.entries(sessionSearchAttributes).map(([key, attribute]) => [key, [attribute.name, attribute.type]]))).toEqual({
      sessionId: ['ChargingSessionId', 'KEYWORD'],
      pileId: ['PileId', 'KEYWORD'],
      stationId: ['StationId', 'KEYWORD'],
      userId: ['DriverId', 'KEYWORD'],
      status: ['SessionStatus', 'KEYWORD'],
    });
  });
});
