import { addMeteredSegment, priceEnergyByBand } from '../../domain/billing';
import { meterCheckpointSignal } from '../../workflows/charging-session.messages';
import type { TelemetryMessage } from '../protocol/messages';
import { hotKeys } from '../../infra/hot-state/keys';
import type { LiveProgress } from '../../infra/live-state';
import { checkpointSlots } from '../checkpoint-slots';
import { Handler, relayToSession } from '../context';

const PROGRESS_SAVE_EVERY_MS = 5_000;

/**
 * Telemetry of a charging session becomes, at most once per checkpoint interval, a meter checkpoint for the
 * workflow (history stays small, the bill stays exact) and, while someone watches the session, live progress on
 * every sample.
 */
export const handleTelemetry: Handler<TelemetryMessage> = async (ctx, { pileId }, sample) => {
  if (!sample.sessionId) return;
  const session = await ctx.sessions.get(sample.sessionId);
  const checkpoint = session?.checkpoint;
  if (!session || session.pileId !== pileId || session.meterStartWh === undefined || !checkpoint) return;
  if (sample.ts < checkpoint.at || sample.energyRegisterWh < checkpoint.meterWh) {
    ctx.metrics.messages.inc({ kind: 'telemetry', outcome: 'stale' });
    return;
  }
  const reading = { at: sample.ts, meterWh: sample.energyRegisterWh };
  const ledger = addMeteredSegment(session.tariff, checkpoint.ledger, checkpoint, reading);

  if (ctx.watched.isWatched(session.sessionId)) {
    const progress: LiveProgress = {
      type: 'session.progress',
      sessionId: session.sessionId,
      at: sample.ts,
      energyWh: sample.energyRegisterWh - session.meterStartWh,
      powerW: sample.powerW,
      costFen: priceEnergyByBand(session.tariff, ledger).energyFen,
      elapsedSeconds: Math.max(0, Math.floor((sample.ts - (session.startedAt ?? sample.ts)) / 1000)),
      socPercent: sample.socPercent,
    };
    await ctx.live.publishProgress(progress);
    // Readers without a socket (the REST fallback) see progress at most this old, without a write per sample.
    if (ctx.sessions.progressDue(session.sessionId, PROGRESS_SAVE_EVERY_MS)) await ctx.live.saveProgress(progress);
  }

  const slotOf = checkpointSlots(session, ctx.checkpointIntervalMs);
  const slot = slotOf(sample.ts);
  if (slot <= slotOf(checkpoint.at)) return;
  // Several gateways may see samples of this session; the first to claim the slot sends the checkpoint.
  if (!(await ctx.hot.setIfAbsent(hotKeys.checkpointSlot(session.sessionId, slot), '1', 2 * ctx.checkpointIntervalMs))) {
    ctx.sessions.forget(session.sessionId); // another gateway took it: read its checkpoint next time
    return;
  }
  await ctx.live.checkpointTaken(session.sessionId, { ...reading, ledger });
  ctx.sessions.checkpointTaken(session.sessionId, { ...reading, ledger });
  relayToSession(ctx, session.sessionId, meterCheckpointSignal, { ...reading, powerW: sample.powerW, socPercent: sample.socPercent });
};
