import { chargingStartedSignal, chargingStoppedSignal, pileFaultedSignal } from '../../workflows/charging-session.messages';
import type { EventMessage } from '../protocol/messages';
import { Handler, signalSession } from '../context';
import { judgeFinalMeter } from '../meter-readings';

/** Session events: metering began or ended, or the pile faulted. */
export const handleEvent: Handler<EventMessage> = async (ctx, pile, message) => {
  const { pileId, stationId } = pile;
  switch (message.event) {
    case 'sessionStarted': {
      const session = await ctx.records.session(message.sessionId);
      if (!session || session.pileId !== pileId) {
        ctx.metrics.rejected.inc({ reason: 'unknown_session' });
        ctx.logger.warn({ pileId, sessionId: message.sessionId }, 'pile started a session the platform does not know');
        return;
      }
      if (session.meterStartWh === undefined) await ctx.live.chargingStarted(message.sessionId, message.meterStartWh, message.ts);
      ctx.sessions.forget(message.sessionId);
      await signalSession(ctx, message.sessionId, chargingStartedSignal, { at: message.ts, meterStartWh: message.meterStartWh });
      return;
    }
    case 'sessionStopped':
      await judgeFinalMeter(ctx, pile, message.sessionId, { at: message.ts, meterWh: message.meterStopWh });
      await signalSession(ctx, message.sessionId, chargingStoppedSignal, { at: message.ts, meterStopWh: message.meterStopWh, reason: message.reason });
      return;
    case 'fault': {
      await ctx.live.pileReported(pileId, stationId, { state: 'faulted', at: message.ts, faultCode: message.code });
      await ctx.alarms.raise(pileId, 'fault', message.code, message.message ?? 'pile reported a fault', new Date(message.ts));
      const sessionId = message.sessionId ?? (await ctx.records.occupant(pileId))?.sessionId;
      if (sessionId && message.meterWh !== undefined) await judgeFinalMeter(ctx, pile, sessionId, { at: message.ts, meterWh: message.meterWh });
      if (sessionId) await signalSession(ctx, sessionId, pileFaultedSignal, { at: message.ts, code: message.code, meterWh: message.meterWh });
      return;
    }
  }
};
