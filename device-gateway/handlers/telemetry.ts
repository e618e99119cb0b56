import { priceEnergyByBand } from '../../domain/billing';
import type { TelemetryMessage } from '../../device-protocol/messages';
import type { LiveProgress } from '../../live/live-state';
import { type Handler } from '../context';
import { takeMeterReading } from '../meter-readings';

const PROGRESS_SAVE_EVERY_MS = 5_000;

/**
 * Telemetry of a charging session becomes, at most once per checkpoint interval, a meter checkpoint for the
 * workflow (history stays small, the bill stays exact) and, while someone watches the session, live progress on
 * every sample. Readings that are not physically plausible are neither billed nor shown.
 */
export const handleTelemetry: Handler<TelemetryMessage> = async (ctx, pile, sample) => {
  if (!sample.sessionId) return;
  const reading = { at: sample.ts, meterWh: sample.energyRegisterWh };
  const accepted = await takeMeterReading(ctx, pile, sample.sessionId, reading, { powerW: sample.powerW, socPercent: sample.socPercent });
  if (!accepted || !ctx.watched.isWatched(sample.sessionId)) return;
  const { session, meterStartWh, ledger } = accepted;
  const progress: LiveProgress = {
    type: 'session.progress',
    sessionId: session.sessionId,
    at: new Date(sample.ts).toISOString(),
    energyWh: sample.energyRegisterWh - meterStartWh,
    powerW: sample.powerW,
    costFen: priceEnergyByBand(session.tariff, ledger()).energyFen,
    elapsedSeconds: Math.max(0, Math.floor((sample.ts - (session.startedAt ?? sample.ts)) / 1000)),
    socPercent: sample.socPercent,
  };
  await ctx.live.publishProgress(progress);
  // Readers without a socket (the REST fallback) see progress at most this old, without a write per sample.
  if (ctx.sessions.progressDue(session.sessionId, PROGRESS_SAVE_EVERY_MS)) await ctx.live.saveProgress(progress);
};
