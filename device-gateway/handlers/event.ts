import { chargingStartedSignal, chargingStoppedSignal, pileFaultedSignal } from '../../workflows/charging-session.messages';
import type { EventMessage } from '../../device-protocol/messages';
import { type Handler, recordAvailability, signalSession } from '../context';
import { judgeFinalMeter } from '../meter-readings';
import { sessionOfPile } from '../session-identity';

/** Session events: metering began or ended, or the pile faulted. Each counts only for the pile's own session. */
export const handleEvent: Handler<EventMessage> = async (ctx, pile, message) => {
  const { pileId, stationId } = pile;
  switch (message.event) {
    case 'sessionStarted': {
      const session = await sessionOfPile(ctx, pileId, message.sessionId, message.event);
      if (!session) return;
      if (session.meterStartWh === undefined) await ctx.live.chargingStarted(message.sessionId, message.meterStartWh, message.ts);
      ctx.sessions.forget(message.sessionId);
      await signalSession(ctx, message.sessionId, chargingStartedSignal, { at: message.ts, meterStartWh: message.meterStartWh });
      return;
    }
    case 'sessionStopped':
      if (!(await sessionOfPile(ctx, pileId, message.sessionId, message.event))) return;
      await judgeFinalMeter(ctx, pile, message.sessionId, { at: message.ts, meterWh: message.meterStopWh });
      await signalSession(ctx, message.sessionId, chargingStoppedSignal, { at: message.ts, meterStopWh: message.meterStopWh, reason: message.reason });
      return;
    case 'fault': {
      // The pile's own fault is its alarm whatever session it names; only its own session is ended by it.
      const before = (await ctx.live.pileDevice(pileId)).state;
      await ctx.live.pileReported(pileId, stationId, { state: 'faulted', at: message.ts, faultCode: message.code });
      await recordAvailability(ctx, pileId, before, 'faulted', new Date(message.ts));
      await ctx.alarms.raise(pileId, 'fault', message.code, message.message ?? 'pile reported a fault', new Date(message.ts));
      const sessionId = message.sessionId ?? (await ctx.records.occupant(pileId))?.sessionId;
      if (!sessionId || !(await sessionOfPile(ctx, pileId, sessionId, message.event))) return;
      if (message.meterWh !== undefined) await judgeFinalMeter(ctx, pile, sessionId, { at: message.ts, meterWh: message.meterWh });
      await signalSession(ctx, sessionId, pileFaultedSignal, { at: message.ts, code: message.code, meterWh: message.meterWh });
      return;
    }
  }
};
