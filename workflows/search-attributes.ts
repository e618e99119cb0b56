import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of a charging session, so an operator can find any session in the Temporal
 * Web UI or with `temporal workflow list --query 'SessionStatus="SETTLEMENT_FAILED"'`.
 * Registered at start-up by `ensureSearchAttributes` (infra/temporal.ts).
 */
export const sessionSearchAttributes = {
  sessionId: defineSearchAttributeKey('ChargingSessionId', SearchAttributeType.KEYWORD),
  pileId: defineSearchAttributeKey('PileId', SearchAttributeType.KEYWORD),
  stationId: defineSearchAttributeKey('StationId', SearchAttributeType.KEYWORD),
  userId: defineSearchAttributeKey('DriverId', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('SessionStatus', SearchAttributeType.KEYWORD),
};

/**
 * An operator pile command's search attributes: the pile (the same key as a session's, so one query finds both)
 * and the command's state, e.g. `temporal workflow list --query 'PileCommandState="expired"'`.
 */
export const pileCommandSearchAttributes = {
  pileId: sessionSearchAttributes.pileId,
  state: defineSearchAttributeKey('PileCommandState', SearchAttributeType.KEYWORD),
};
