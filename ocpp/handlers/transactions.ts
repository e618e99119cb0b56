import { ocppIdTag } from '../../device-protocol/ocpp';
import type { StopReason } from '../../device-protocol/messages';
import type { OcppTransaction } from '../../db/ocpp-transactions';
import type { RegisteredPile } from '../../db/pile-registry';
import { type ChargerConnection, type OcppContext, type OcppHandler, chargerPile, connectorPile, deliver, epochMs } from '../context';
import { localStartKey } from '../local-starts';
import { type MeterValue, meterTransaction } from './meter-values';

export interface AuthorizeParams {
  idTag: string;
}
export interface StartTransactionParams {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  reservationId?: number;
}
export interface StopTransactionParams {
  transactionId: number;
  meterStop: number;
  timestamp: string;
  idTag?: string;
  reason?: string;
  transactionData?: MeterValue[];
}

/**
 * The transactionId of a refused StartTransaction: OCPP wants one in every answer. No transaction of the platform has
 * it (ids start at 1), so the charger's StopTransaction and MeterValues for it count for nothing.
 */
export const REFUSED_TRANSACTION_ID = 0;

/** OCPP 1.6 stop reasons → ours (absent means Local). */
const STOP_REASON_OF: Record<string, StopReason> = { Remote: 'remote', EVDisconnected: 'unplugged', PowerLoss: 'power_loss', EmergencyStop: 'fault' };

/** The session the pile holds, when `idTag` is that session's tag: only then may the charger charge for it. */
async function sessionOfTag(ctx: OcppContext, pile: RegisteredPile, idTag: string): Promise<string | undefined> {
  const occupant = await ctx.gateway.records.occupant(pile.pileId);
  return occupant && ocppIdTag(occupant.sessionId) === idTag ? occupant.sessionId : undefined;
}

/** Whether `idTag` is the tag of a session holding one of the charger's connectors (Authorize names no connector). */
async function anyConnectorsSession(ctx: OcppContext, charger: ChargerConnection, idTag: string): Promise<boolean> {
  for (const pile of charger.connectors) if (await sessionOfTag(ctx, pile, idTag)) return true;
  return false;
}

/**
 * Authorize: a tag is accepted on a charger for a session that holds one of its connectors, and for an RFID card
 * mapped to a driver and active (its session starts with the StartTransaction); any other card is refused (a
 * blocked one as Blocked), so no energy flows that no session bills.
 */
export const authorize: OcppHandler<AuthorizeParams> = async (ctx, charger, { idTag }) => {
  if (await anyConnectorsSession(ctx, charger, idTag)) return { idTagInfo: { status: 'Accepted' } };
  return { idTagInfo: { status: ctx.localStarts ? await ctx.localStarts.statusOf(idTag) : 'Invalid' } };
};

const refused = (status: string) => ({ transactionId: REFUSED_TRANSACTION_ID, idTagInfo: { status } });

/**
 * StartTransaction: a transaction started on a connector with the tag of that connector's session (the platform's
 * RemoteStartTransaction named the connector) is tied to that session. One started at the charger with a card mapped
 * to a driver starts that driver's session (startedWithCard). Its transactionId is the database's, and a repeated
 * start is told the same one. The session hears it charges from `meterStart`, as if an MQTT pile had sent
 * `sessionStarted`.
 */
export const startTransaction: OcppHandler<StartTransactionParams> = async (ctx, charger, params) => {
  const pile = connectorPile(charger, params.connectorId);
  const sessionId = pile && (await sessionOfTag(ctx, pile, params.idTag));
  if (pile && !sessionId && ctx.localStarts) return startedWithCard(ctx, charger, pile, params);
  if (!pile || !sessionId) {
    ctx.gateway.metrics.rejected.inc({ reason: 'unknown_id_tag' });
    ctx.gateway.logger.warn({ chargerId: charger.chargerId, connectorId: params.connectorId, idTag: params.idTag }, 'StartTransaction for an id tag of no session on this connector: refused');
    return refused('Invalid');
  }
  const at = epochMs(ctx, params.timestamp);
  const transaction = await ctx.transactions.begin({ pileId: pile.pileId, sessionId, connectorId: params.connectorId, idTag: params.idTag, meterStartWh: params.meterStart, at });
  return chargingStarted(ctx, pile, transaction, at);
};

/** The session hears its pile charges from the transaction's meter start (once: the message id is the transaction's). */
async function chargingStarted(ctx: OcppContext, pile: RegisteredPile, transaction: OcppTransaction, at: number) {
  const { sessionId, transactionId, meterStartWh } = transaction;
  await deliver(ctx, pile.pileId, 'event', { ts: at, event: 'sessionStarted', sessionId, meterStartWh }, `ocpp-start-${transactionId}`);
  return { transactionId, idTagInfo: { status: 'Accepted' } };
}

/**
 * A card tapped at the charger: its driver's session on the connector's pile, admitted like any (pile claimed,
 * pre-authorization held). The transaction is recorded before the session starts, so the session's start command
 * finds it and is answered without a RemoteStartTransaction. A charger repeating the StartTransaction gets the same
 * session and transactionId (the key is the start's connector, time and meter). Refused (unknown or blocked card,
 * frozen account, pre-authorization declined, connector busy): transactionId 0, and the charger stops.
 */
async function startedWithCard(ctx: OcppContext, charger: ChargerConnection, pile: RegisteredPile, params: StartTransactionParams) {
  const localStarts = ctx.localStarts!;
  const log = { chargerId: charger.chargerId, pileId: pile.pileId, idTag: params.idTag };
  const card = await localStarts.sessionFor(params.idTag, localStartKey(charger.chargerId, params.connectorId, params.timestamp, params.meterStart));
  if ('refused' in card) {
    ctx.gateway.metrics.rejected.inc({ reason: card.refused === 'Blocked' ? 'blocked_id_tag' : 'unknown_id_tag' });
    ctx.gateway.logger.warn(log, `StartTransaction with a card that may not charge (${card.refused}): refused`);
    return refused(card.refused);
  }
  const at = epochMs(ctx, params.timestamp);
  const transaction = await ctx.transactions.begin({ pileId: pile.pileId, sessionId: card.sessionId, connectorId: params.connectorId, idTag: params.idTag, meterStartWh: params.meterStart, at });
  const admission = await localStarts.admit(card.userId, card.sessionId, pile.pileId);
  if (!admission.ok) {
    ctx.gateway.metrics.rejected.inc({ reason: 'card_start_refused' });
    ctx.gateway.logger.warn({ ...log, sessionId: card.sessionId, why: admission.why }, 'StartTransaction with a card: its session was not admitted; refused');
    return refused('Invalid');
  }
  ctx.gateway.logger.info({ ...log, sessionId: card.sessionId, transactionId: transaction.transactionId }, 'session started with a card at the charger');
  return chargingStarted(ctx, pile, transaction, at);
}

/**
 * StopTransaction: its transaction data are the last samples, then `meterStop` is the session's final meter, as an
 * MQTT pile's `sessionStopped`. A stop is taken once: a charger repeating it (it never saw the answer, or replays
 * its queue after an outage) is answered the same and changes nothing.
 */
export const stopTransaction: OcppHandler<StopTransactionParams> = async (ctx, charger, params) => {
  const transaction = params.transactionId === REFUSED_TRANSACTION_ID ? undefined : await ctx.transactions.byId(params.transactionId);
  const pile = transaction && chargerPile(charger, transaction.pileId);
  if (!transaction || !pile) {
    ctx.gateway.metrics.rejected.inc({ reason: transaction ? 'foreign_transaction' : 'unknown_transaction' });
    ctx.gateway.logger.warn({ chargerId: charger.chargerId, transactionId: params.transactionId }, 'StopTransaction of a transaction that is not this charger’s: ignored');
    return { idTagInfo: { status: 'Invalid' } };
  }
  if (transaction.stoppedAt !== undefined) {
    ctx.gateway.metrics.messages.inc({ kind: 'event', outcome: 'duplicate' });
    return { idTagInfo: { status: 'Accepted' } };
  }
  if (params.transactionData?.length) await meterTransaction(ctx, charger, transaction.transactionId, params.transactionData);
  const at = epochMs(ctx, params.timestamp);
  const reason = STOP_REASON_OF[params.reason ?? 'Local'] ?? 'local';
  const outcome = await deliver(
    ctx,
    pile.pileId,
    'event',
    { ts: at, event: 'sessionStopped', sessionId: transaction.sessionId, meterStopWh: params.meterStop, reason },
    `ocpp-stop-${transaction.transactionId}`,
  );
  // Not handed over (Temporal or the store unreachable): a CALLERROR, so the charger sends the stop again.
  if (outcome === 'failed') throw new Error('the stop could not be handed to the session; send it again');
  await ctx.transactions.stopped(transaction.transactionId, params.meterStop, at);
  return { idTagInfo: { status: 'Accepted' } };
};
