import type { PileState } from '../../device-protocol/messages';
import { type OcppHandler, connectorPile, deliver, epochMs, toEveryConnector } from '../context';

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
 * StatusNotification: a connector's state becomes its pile's, through the gateway's status handler (live status,
 * offline and fault alarms, a session ended when its pile says it is idle). Connector 0 (the whole charger) counts
 * only when it is unavailable or faulted, and then for every connector: "connector 0 available" says nothing about a
 * transaction on connector 1. A connector the charger has no pile for is ignored.
 */
export const statusNotification: OcppHandler<StatusNotificationParams> = async (ctx, charger, params) => {
  const state = PILE_STATE_OF[params.status];
  if (!state) return {};
  const faultCode = state === 'faulted' ? (params.vendorErrorCode || params.errorCode).slice(0, 64) : undefined;
  const status = { ts: epochMs(ctx, params.timestamp), state, connectedAt: charger.connectedAt, ...(faultCode ? { faultCode } : {}) };
  if (params.connectorId === 0) {
    if (state === 'unavailable' || state === 'faulted') await toEveryConnector(charger, (pile) => deliver(ctx, pile.pileId, 'status', status));
    return {};
  }
  const pile = connectorPile(charger, params.connectorId);
  if (pile) await deliver(ctx, pile.pileId, 'status', status);
  else ctx.gateway.metrics.rejected.inc({ reason: 'unknown_connector' });
  return {};
};
