import { connectorFreedSignal } from '../../workflows/charging-session.messages';
import type { StatusMessage } from '../protocol/messages';
import { Handler, signalSession } from '../context';

const CONNECTOR_IN_USE = ['plugged', 'charging'];

/** A pile's state changed: update live status, raise or clear the offline alarm, free the connector. */
export const handleStatus: Handler<StatusMessage> = async (ctx, { pileId, stationId }, message) => {
  const previous = await ctx.live.pileDevice(pileId);
  if (previous.at !== undefined && message.ts < previous.at) {
    ctx.metrics.messages.inc({ kind: 'status', outcome: 'stale' });
    return;
  }
  await ctx.live.pileReported(pileId, stationId, { state: message.state, at: message.ts, faultCode: message.faultCode });
  const at = new Date(message.ts);
  if (message.state === 'offline') await ctx.alarms.raise(pileId, 'offline', 'DISCONNECTED', 'pile disconnected (last will)', at);
  else if (previous.state === 'offline') await ctx.alarms.clear(pileId, 'offline', at);
  if (message.state === 'faulted') await ctx.alarms.raise(pileId, 'fault', message.faultCode ?? 'UNKNOWN', 'pile reported a fault state', at);
  else if (previous.state === 'faulted') await ctx.alarms.clear(pileId, 'fault', at);

  if (message.state === 'idle' && previous.state && CONNECTOR_IN_USE.includes(previous.state)) {
    const occupant = await ctx.live.occupant(pileId);
    if (occupant) await signalSession(ctx, occupant.sessionId, connectorFreedSignal, { at: message.ts });
  }
};
