import { pileAcknowledgedSignal } from '../../workflows/charging-session.messages';
import type { AckMessage } from '../../device-protocol/messages';
import { type Handler, signalSession } from '../context';
import { sessionOfPile } from '../session-identity';

/**
 * A command acknowledgement goes to the session that sent the command, only from that session's pile; the
 * session itself counts it only when it echoes the command's nonce.
 */
export const handleAck: Handler<AckMessage> = async (ctx, { pileId }, message) => {
  const { commandId, sessionId, nonce, accepted, reason } = message;
  if (!sessionId) {
    ctx.logger.info({ pileId, commandId, accepted, reason }, 'operator command acknowledged');
    return;
  }
  if (!(await sessionOfPile(ctx, pileId, sessionId, 'ack'))) return;
  await signalSession(ctx, sessionId, pileAcknowledgedSignal, { commandId, nonce, accepted, reason });
};
