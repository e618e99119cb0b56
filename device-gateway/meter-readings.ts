import type { RegisteredPile } from '../db/pile-registry';
import { type EnergyByBand, type MeterCheckpoint, addMeteredSegment } from '../domain/billing';
import { implausibleMeter } from '../domain/meter-plausibility';
import { hotKeys } from '../infra/hot-state/keys';
import type { SessionLiveRecord } from '../live/live-state';
import { meterCheckpointSignal } from '../workflows/charging-session.messages';
import { checkpointSlots } from './checkpoint-slots';
import { type GatewayContext, relayToSession } from './context';

export interface AcceptedReading {
  session: SessionLiveRecord;
  meterStartWh: number;
  /** Energy per tariff band from the meter start up to this reading; worked out when first asked (most samples never are). */
  ledger(): EnergyByBand;
}

/**
 * Takes a pile's meter reading of one of its charging sessions: stale readings are dropped, implausible ones are
 * counted, raise an alarm and go to the session (which flags itself for review and bills none of it), and a
 * plausible one becomes the session's checkpoint when it opens a new checkpoint slot. Returns what was accepted.
 */
export async function takeMeterReading(
  ctx: GatewayContext,
  pile: RegisteredPile,
  sessionId: string,
  reading: MeterCheckpoint,
  sample: { powerW?: number; socPercent?: number },
): Promise<AcceptedReading | undefined> {
  const session = await ctx.sessions.get(sessionId);
  const checkpoint = session?.checkpoint;
  if (!session || session.pileId !== pile.pileId || session.meterStartWh === undefined || !checkpoint) return undefined;
  if (reading.at < checkpoint.at) {
    ctx.metrics.messages.inc({ kind: 'telemetry', outcome: 'stale' });
    return undefined;
  }
  const problem = implausibleMeter(checkpoint, reading, { ratedPowerW: pile.maxPowerW, now: ctx.clock() });
  if (problem) {
    await reportImplausibleMeter(ctx, pile, sessionId, checkpoint, reading, problem);
    return undefined;
  }
  let ledgerUpToReading: EnergyByBand | undefined;
  const ledger = () => (ledgerUpToReading ??= addMeteredSegment(session.tariff, checkpoint.ledger, checkpoint, reading));

  const slotOf = checkpointSlots(session, ctx.checkpointIntervalMs);
  if (slotOf(reading.at) > slotOf(checkpoint.at)) {
    // Several gateways may see readings of this session; the first to claim the slot sends the checkpoint.
    if (await ctx.hot.setIfAbsent(hotKeys.checkpointSlot(sessionId, slotOf(reading.at)), '1', 2 * ctx.checkpointIntervalMs)) {
      await ctx.live.checkpointTaken(sessionId, { ...reading, ledger: ledger() });
      ctx.sessions.checkpointTaken(sessionId, { ...reading, ledger: ledger() });
      relayToSession(ctx, sessionId, meterCheckpointSignal, { ...reading, ...sample });
    } else {
      ctx.sessions.forget(sessionId); // another gateway took it: read its checkpoint next time
    }
  }
  return { session, meterStartWh: session.meterStartWh, ledger };
}

/**
 * Judges a final meter (a stop event's, a fault's) against the session's last checkpoint; an implausible one is
 * counted and raises an alarm. The session judges it again itself and bills none of it.
 */
export async function judgeFinalMeter(ctx: GatewayContext, pile: RegisteredPile, sessionId: string, reading: MeterCheckpoint): Promise<void> {
  const session = await ctx.sessions.get(sessionId);
  const checkpoint = session?.checkpoint;
  if (!checkpoint || session.pileId !== pile.pileId) return;
  const problem = implausibleMeter(checkpoint, reading, { ratedPowerW: pile.maxPowerW, now: ctx.clock() });
  if (problem) await reportImplausibleMeter(ctx, pile, sessionId, checkpoint, reading, problem, { relay: false });
}

/**
 * Counts every implausible reading; once per checkpoint interval and session, raises the pile's meter alarm and
 * hands the reading to the session, so a pile (or an impostor) flooding false readings costs one alarm look-up and
 * one signal per interval.
 */
async function reportImplausibleMeter(
  ctx: GatewayContext,
  pile: RegisteredPile,
  sessionId: string,
  accepted: MeterCheckpoint,
  reading: MeterCheckpoint,
  problem: string,
  options: { relay: boolean } = { relay: true },
): Promise<void> {
  ctx.metrics.implausibleMeters.inc({ reason: problem });
  ctx.logger.warn({ sessionId, accepted, reading, problem }, 'implausible meter reading not billed');
  if (!(await ctx.hot.setIfAbsent(hotKeys.implausibleMeterReported(sessionId), '1', ctx.checkpointIntervalMs))) return;
  const message = `session ${sessionId}: meter ${reading.meterWh} Wh at ${new Date(reading.at).toISOString()} not billed (${problem}); last billed ${accepted.meterWh} Wh`;
  await ctx.alarms.raise(pile.pileId, 'meter', problem, message, new Date(ctx.clock()));
  if (options.relay) relayToSession(ctx, sessionId, meterCheckpointSignal, reading);
}
