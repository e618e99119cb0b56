import { connectorFreedSignal } from '../../workflows/charging-session.messages';
import type { StatusMessage } from '../protocol/messages';
import { Handler, signalSession } from '../context';

const CONNECTOR_IN_USE = ['plugged', 'charging'];

/** A pile's state changed: update live status, raise or clear the offline alarm, free the connector. */
export const handleStatus: Handler<StatusMessage> = async (ctx, { pileId, stationId }, message) => {
  const previous = await ctx.live.pileDevice(pileId);
  // A last will is stamped with the time its connection was made, so it is older than whatever the pile said
  // on that connection: it goes by connection, not by time. A will of an earlier connection, arriving after the
  // pile reconnected, is stale; so is any status older than the last one of its own connection.
  const fromOlderConnection = message.connectedAt < (previous.connectedAt ?? 0);
  const olderOnSameConnection = message.state !== 'offline' && message.ts < (previous.at ?? 0);
  if (fromOlderConnection || olderOnSameConnection) {
    ctx.metrics.messages.inc({ kind: 'status', outcome: 'stale' });
    return;
  }
  const at = Math.max(message.ts, previous.at ?? 0);
  await ctx.live.pileReported(pileId, stationId, { state: message.state, at, connectedAt: message.connectedAt, faultCode: message.faultCode });
  const when = new Date(at);
  if (message.state === 'offline') await ctx.alarms.raise(pileId, 'offline', 'DISCONNECTED', 'pile disconnected (last will)', when);
  else if (previous.state === 'offline') await ctx.alarms.clear(pileId, 'offline', when);
  if (message.state === 'faulted') await ctx.alarms.raise(pileId, 'fault', message.faultCode ?? 'UNKNOWN', 'pile reported a fault state', when);
  else if (previous.state === 'faulted') await ctx.alarms.clear(pileId, 'fault', when);

  if (message.state === 'idle' && previous.state && CONNECTOR_IN_USE.includes(previous.state)) {
    const occupant = await ctx.live.occupant(pileId);
    if (occupant) await signalSession(ctx, occupant.sessionId, connectorFreedSignal, { at: message.ts });
  }
};
