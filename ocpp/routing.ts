import type { OcppHandler } from './context';
import { acknowledgeOnly, bootNotification, dataTransfer, heartbeat } from './handlers/core';
import { meterValues } from './handlers/meter-values';
import { statusNotification } from './handlers/status-notification';
import { authorize, startTransaction, stopTransaction } from './handlers/transactions';

/** One handler per OCPP 1.6 action a charger may call (Core profile); anything else is answered NotImplemented. */
export const OCPP_ROUTES: Record<string, OcppHandler<never>> = {
  BootNotification: bootNotification,
  Heartbeat: heartbeat,
  StatusNotification: statusNotification,
  Authorize: authorize,
  StartTransaction: startTransaction,
  MeterValues: meterValues,
  StopTransaction: stopTransaction,
  DataTransfer: dataTransfer,
  FirmwareStatusNotification: acknowledgeOnly,
  DiagnosticsStatusNotification: acknowledgeOnly,
};
