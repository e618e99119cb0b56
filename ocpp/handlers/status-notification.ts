import type { PileState } from '../../device-protocol/messages';
import { type OcppHandler, deliver, epochMs } from '../context';

export interface StatusNotificationParams {
  connectorId: number;
  errorCode: string;
  status: string;
  timestamp?: string;
  info?: string;
  vendorErrorCode?: string;
}

/** OCPP 1.6 ChargePointStatus → the pile state our live status, alarms and nearby search already understand. */
export const PILE_STATE_OF: Record<string, PileState> = {
  Available: 'idle',
  Preparing: 'plugged',
  Charging: 'charging',
  SuspendedEV: 'charging',
  SuspendedEVSE: 'charging',
  Finishing: 'plugged',
  Reserved: 'idle',
  Unavailable: 'unavailable',
  Faulted: 'faulted',
};

/**
 * StatusNotification: the charger's state becomes the pile's, through the gateway's status handler (live status,
 * offline and fault alarms, a session ended when its pile says it is idle). A pile here has one connector in use
 * at a time: connector 1 speaks for it; connector 0 (the whole charger) counts only when it is unavailable or
 * faulted, since "connector 0 available" says nothing about a transaction on connector 1.
 */
export const statusNotification: OcppHandler<StatusNotificationParams> = async (ctx, { pile, connectedAt }, params) => {
  const state = PILE_STATE_OF[params.status];
  if (!state) return {};
  if (params.connectorId > 1) return {};
  if (params.connectorId === 0 && state !== 'unavailable' && state !== 'faulted') return {};
  const faultCode = state === 'faulted' ? (params.vendorErrorCode || params.errorCode).slice(0, 64) : undefined;
  await deliver(ctx, pile.pileId, 'status', { ts: epochMs(ctx, params.timestamp), state, connectedAt, ...(faultCode ? { faultCode } : {}) });
  return {};
};
