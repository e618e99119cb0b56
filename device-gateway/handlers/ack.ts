import { pileAcknowledgedSignal } from '../../workflows/charging-session.messages';
import type { AckMessage } from '../../device-protocol/messages';
import { type Handler, type GatewayContext, signalSession } from '../context';
import { sessionOfPile } from '../session-identity';

/**
 * A command acknowledgement goes to the session that sent the command, only from that session's pile; the
 * session itself counts it only when it echoes the command's nonce. An ack without a session answers an operator's
 * command: it goes to that command's workflow, only from the pile the command was sent to (the workflow checks
 * the nonce). An ack of a command the platform does not know, or whose workflow has ended, changes nothing.
 */
export const handleAck: Handler<AckMessage> = async (ctx, { pileId }, message) => {
  const { commandId, sessionId, nonce, accepted, reason } = message;
  if (!sessionId) return relayToCommand(ctx, pileId, message);
  if (!(await sessionOfPile(ctx, pileId, sessionId, 'ack'))) return;
  await signalSession(ctx, sessionId, pileAcknowledgedSignal, { commandId, nonce, accepted, reason });
};

async function relayToCommand(ctx: GatewayContext, pileId: string, { commandId, nonce, accepted, reason, result }: AckMessage) {
  const commandPile = await ctx.commands.pileOf(commandId);
  if (commandPile === undefined) {
    ctx.logger.info({ commandId, accepted, reason }, 'ack of a command the platform does not know: ignored');
    return;
  }
  if (commandPile !== pileId) {
    ctx.metrics.rejected.inc({ reason: 'foreign_command' });
    ctx.logger.warn({ commandId, commandPile }, "ack of another pile's command: ignored");
    return;
  }
  const relayed = await ctx.commandSignals.send(commandId, { nonce, accepted, reason, ...(result ? { result } : {}) });
  ctx.logger.info({ commandId, accepted, reason, relayed }, 'operator command acknowledged');
}
