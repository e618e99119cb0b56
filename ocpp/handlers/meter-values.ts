import { type OcppContext, type ChargerConnection, type OcppHandler, chargerPile, deliver, epochMs, toEveryConnector } from '../context';

export interface SampledValue {
  value: string;
  context?: string;
  format?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}
export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}
export interface MeterValuesParams {
  connectorId: number;
  transactionId?: number;
  meterValue: MeterValue[];
}

/** A charger may batch samples (a replay after an outage); more than this in one message are not looked at. */
export const MAX_METER_VALUES_PER_MESSAGE = 500;

const ENERGY = 'Energy.Active.Import.Register';
const UNIT_FACTOR: Record<string, number> = { Wh: 1, kWh: 1000, W: 1, kW: 1000, V: 1, A: 1, Percent: 1, Celsius: 1 };

/** One reading of a measurand: the total (no phase), at the outlet, as a finite number in its base unit. */
function reading(values: SampledValue[], measurand: string, defaultUnit: string): number | undefined {
  const sample = values.find(
    (v) => (v.measurand ?? ENERGY) === measurand && v.phase === undefined && (v.location === undefined || v.location === 'Outlet') && v.format !== 'SignedData',
  );
  if (!sample) return undefined;
  const factor = UNIT_FACTOR[sample.unit ?? defaultUnit];
  const number = Number(sample.value);
  return factor === undefined || !Number.isFinite(number) ? undefined : number * factor;
}

/** A sample of a transaction, as the telemetry our gateway meters: energy register in Wh, power in W. */
export function telemetryOf(value: MeterValue, at: number) {
  const energyWh = reading(value.sampledValue, ENERGY, 'Wh');
  if (energyWh === undefined || energyWh < 0) return undefined;
  const clamp = (n: number | undefined, max: number) => (n === undefined || n < 0 ? 0 : Math.min(n, max));
  const soc = reading(value.sampledValue, 'SoC', 'Percent');
  const temperature = reading(value.sampledValue, 'Temperature', 'Celsius');
  return {
    ts: at,
    energyRegisterWh: Math.round(energyWh),
    powerW: Math.round(clamp(reading(value.sampledValue, 'Power.Active.Import', 'W'), 1_000_000)),
    voltageV: clamp(reading(value.sampledValue, 'Voltage', 'V'), 2000),
    currentA: clamp(reading(value.sampledValue, 'Current.Import', 'A'), 1000),
    temperatureC: temperature === undefined ? 0 : Math.max(-60, Math.min(200, temperature)),
    ...(soc === undefined ? {} : { socPercent: Math.round(Math.max(0, Math.min(100, soc))) }),
  };
}

/**
 * Feeds a transaction's samples, oldest first, to the gateway's telemetry handler: the same checkpoints, plausibility
 * checks and live progress as an MQTT pile's. Samples of a transaction that is not this charger's count for nothing.
 */
export async function meterTransaction(ctx: OcppContext, charger: ChargerConnection, transactionId: number, values: MeterValue[]): Promise<void> {
  const transaction = await ctx.transactions.byId(transactionId);
  const pile = transaction && chargerPile(charger, transaction.pileId);
  if (!transaction || !pile) {
    ctx.gateway.metrics.rejected.inc({ reason: transaction ? 'foreign_transaction' : 'unknown_transaction' });
    ctx.gateway.logger.warn({ chargerId: charger.chargerId, transactionId }, 'meter values of a transaction that is not this charger’s: ignored');
    return;
  }
  const samples = values
    .slice(0, MAX_METER_VALUES_PER_MESSAGE)
    .map((value) => telemetryOf(value, epochMs(ctx, value.timestamp)))
    .filter((sample) => sample !== undefined)
    .sort((a, b) => a.ts - b.ts);
  for (const sample of samples) await deliver(ctx, pile.pileId, 'telemetry', { ...sample, sessionId: transaction.sessionId });
}

/** MeterValues: samples of a transaction are metered (on the transaction's connector); samples outside one are a sign of life only. */
export const meterValues: OcppHandler<MeterValuesParams> = async (ctx, charger, params) => {
  if (params.transactionId === undefined) await toEveryConnector(charger, (pile) => deliver(ctx, pile.pileId, 'heartbeat', { ts: ctx.gateway.clock() }));
  else await meterTransaction(ctx, charger, params.transactionId, params.meterValue);
  return {};
};
