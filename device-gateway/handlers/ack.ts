import { pileAcknowledgedSignal } from '../../workflows/charging-session.messages';
import type { AckMessage } from '../protocol/messages';
import { Handler, signalSession } from '../context';

/** A command acknowledgement goes to the session that sent the command. */
export const handleAck: Handler<AckMessage> = async (ctx, { pileId }, message) => {
  if (!message.sessionId) {
    ctx.logger.info({ pileId, commandId: message.commandId, accepted: message.accepted, reason: message.reason }, 'operator command acknowledged');
    return;
  }
  await signalSession(ctx, message.sessionId, pileAcknowledgedSignal, { commandId: message.commandId, accepted: message.accepted, reason: message.reason });
};
