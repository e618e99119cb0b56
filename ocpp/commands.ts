import { ocppIdTag, type RelayedCommand } from '../device-protocol/ocpp';
import { type ChargerConnection, type OcppContext, deliver } from './context';

/** What the central system asks of a charger: an OCPP action and its payload. */
export interface OcppCall {
  action: string;
  params: Record<string, unknown>;
}

/** Whether an OCPP answer says yes (RemoteStart/Stop, Reset, ChangeConfiguration, UnlockConnector answers differ). */
const ACCEPTED = ['Accepted', 'Unlocked'];

/**
 * A platform command as an OCPP call, or why it cannot be one. Starts name the session's id tag (its transaction is
 * tied to the session by it); stops name the session's transaction, so a stop before the charger started one has
 * nothing to stop yet and waits for the session's resend.
 */
export async function ocppCallOf(ctx: OcppContext, charger: ChargerConnection, command: RelayedCommand): Promise<OcppCall | { refused: string } | { notYet: string }> {
  switch (command.type) {
    case 'start':
      if (!command.sessionId) return { refused: 'a start without a session: OCPP chargers are started for a session only' };
      return { action: 'RemoteStartTransaction', params: { connectorId: 1, idTag: ocppIdTag(command.sessionId) } };
    case 'stop': {
      if (!command.sessionId) return { refused: 'a stop without a session' };
      const transaction = await ctx.transactions.ofSession(command.sessionId);
      if (!transaction || transaction.pileId !== charger.pile.pileId) return { notYet: 'the charger has started no transaction for the session yet' };
      return { action: 'RemoteStopTransaction', params: { transactionId: transaction.transactionId } };
    }
    case 'reset':
      return { action: 'Reset', params: { type: command.params?.type === 'hard' ? 'Hard' : 'Soft' } };
    case 'unlock':
      return { action: 'UnlockConnector', params: { connectorId: Number(command.params?.connectorId ?? 1) } };
    case 'configure': {
      const keys = Object.keys(command.params ?? {});
      if (keys.length !== 1 || keys[0] !== 'heartbeatIntervalS') return { refused: 'over OCPP only heartbeatIntervalS can be configured yet' };
      return { action: 'ChangeConfiguration', params: { key: 'HeartbeatInterval', value: String(command.params!.heartbeatIntervalS) } };
    }
  }
}

/**
 * Sends one platform command to a connected charger and relays its answer as the command's ack, through the gateway's
 * ack handler (to the session that signed it, or to the operator's command workflow). A CALLERROR is a refusal; a
 * call that times out gets no ack, and whoever sent the command sends it again.
 */
export async function sendCommand(
  ctx: OcppContext,
  charger: ChargerConnection,
  command: RelayedCommand,
  call: (action: string, params: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  const { pileId } = charger.pile;
  const logger = ctx.gateway.logger;
  if (command.sentAt + command.ttlSeconds * 1000 < ctx.gateway.clock()) {
    logger.info({ pileId, commandId: command.commandId }, 'command expired before it reached the charger: dropped');
    return;
  }
  const ocpp = await ocppCallOf(ctx, charger, command);
  if ('notYet' in ocpp) {
    logger.info({ pileId, commandId: command.commandId, why: ocpp.notYet }, 'command not sent to the charger yet');
    return;
  }
  let accepted: boolean;
  let reason: string | undefined;
  if ('refused' in ocpp) {
    accepted = false;
    reason = ocpp.refused;
  } else {
    try {
      const answer = (await call(ocpp.action, ocpp.params)) as { status?: string };
      accepted = ACCEPTED.includes(answer.status ?? '');
      reason = accepted ? undefined : `${ocpp.action}: ${answer.status ?? 'no status'}`;
    } catch (error) {
      const rpc = error as { rpcErrorCode?: string; name?: string; message?: string };
      if (!rpc.rpcErrorCode) {
        logger.warn({ err: error, pileId, commandId: command.commandId, action: ocpp.action }, 'charger did not answer the command');
        return;
      }
      accepted = false;
      reason = `${ocpp.action}: CALLERROR ${rpc.rpcErrorCode}`.slice(0, 200);
    }
  }
  await deliver(ctx, pileId, 'ack', {
    ts: ctx.gateway.clock(),
    commandId: command.commandId,
    nonce: command.nonce,
    accepted,
    ...(reason ? { reason: reason.slice(0, 200) } : {}),
    ...(command.sessionId ? { sessionId: command.sessionId } : {}),
  });
}
