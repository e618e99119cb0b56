import { isAheadOfPlatformClock } from '../../domain/meter-plausibility';
import { connectorFreedSignal, pileReportedIdleSignal } from '../../workflows/charging-session.messages';
import type { RegisteredPile } from '../../db/pile-registry';
import type { StatusMessage } from '../../device-protocol/messages';
import { type GatewayContext, type Handler, recordAvailability, signalSession } from '../context';
import { takeMeterReading } from '../meter-readings';

const CONNECTOR_IN_USE = ['plugged', 'charging'];

/**
 * A pile's state changed: update live status, raise or clear the offline alarm, free the connector. A pile that
 * reconnects says which session it is metering and its meter, and the session catches up; a pile that says it is
 * idle while its session charges ends that session at its meter.
 */
export const handleStatus: Handler<StatusMessage> = async (ctx, pile, message) => {
  const { pileId, stationId } = pile;
  const now = ctx.clock();
  // A status stamped ahead of the platform clock would make every true status after it look stale: refused.
  if (isAheadOfPlatformClock(message.connectedAt, now) || isAheadOfPlatformClock(message.ts, now)) {
    ctx.metrics.rejected.inc({ reason: 'ahead_of_clock' });
    ctx.metrics.messages.inc({ kind: 'status', outcome: 'rejected' });
    ctx.logger.warn({ ts: message.ts, connectedAt: message.connectedAt, now }, 'status stamped ahead of the platform clock refused');
    return;
  }
  const previous = await ctx.live.pileDevice(pileId);
  // Times recorded before this rule may be ahead of the clock too: they count for nothing.
  const trusted = (at: number | undefined) => (at === undefined || isAheadOfPlatformClock(at, now) ? 0 : at);
  // A last will is stamped with the time its connection was made, so it is older than whatever the pile said
  // on that connection: it goes by connection, not by time. A will of an earlier connection, arriving after the
  // pile reconnected, is stale; so is any status older than the last one of its own connection.
  const fromOlderConnection = message.connectedAt < trusted(previous.connectedAt);
  const olderOnSameConnection = message.state !== 'offline' && message.ts < trusted(previous.at);
  if (fromOlderConnection || olderOnSameConnection) {
    ctx.metrics.messages.inc({ kind: 'status', outcome: 'stale' });
    return;
  }
  const at = Math.max(message.ts, trusted(previous.at));
  await ctx.live.pileReported(pileId, stationId, { state: message.state, at, connectedAt: message.connectedAt, faultCode: message.faultCode });
  const when = new Date(at);
  await recordAvailability(ctx, pileId, previous.state, message.state, when);
  if (message.state === 'offline') await ctx.alarms.raise(pileId, 'offline', 'DISCONNECTED', 'pile disconnected (last will)', when);
  else if (previous.state === 'offline') await ctx.alarms.clear(pileId, 'offline', when);
  if (message.state === 'faulted') await ctx.alarms.raise(pileId, 'fault', message.faultCode ?? 'UNKNOWN', 'pile reported a fault state', when);
  else if (previous.state === 'faulted') await ctx.alarms.clear(pileId, 'fault', when);

  if (message.state === 'charging' && message.sessionId !== undefined && message.energyRegisterWh !== undefined) {
    await takeMeterReading(ctx, pile, message.sessionId, { at: message.ts, meterWh: message.energyRegisterWh }, {});
  }
  if (message.state === 'idle') await idleReported(ctx, pile, message, previous.state);
};

async function idleReported(ctx: GatewayContext, { pileId }: RegisteredPile, message: StatusMessage, previousState: string | undefined) {
  const occupant = await ctx.records.occupant(pileId);
  if (!occupant) return;
  if (occupant.status === 'CHARGING') await signalSession(ctx, occupant.sessionId, pileReportedIdleSignal, { at: message.ts, meterWh: message.energyRegisterWh });
  if (previousState && CONNECTOR_IN_USE.includes(previousState)) await signalSession(ctx, occupant.sessionId, connectorFreedSignal, { at: message.ts });
}
