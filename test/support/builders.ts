import { randomUUID } from 'node:crypto';
import type { Tariff } from '../../domain/tariff';
import type { ChargingSessionInput, SessionPolicy } from '../../workflows/charging-session.messages';

/** A three-band tariff in China time: valley 00-08, peak 08-18, flat 18-24. */
export function aTariff(overrides: Partial<Tariff> = {}): Tariff {
  return {
    id: 'tou-test',
    name: 'Test time-of-use',
    utcOffsetMinutes: 480,
    bands: [
      { name: 'valley', from: '00:00', to: '08:00', electricityFenPerKwh: 35, serviceFenPerKwh: 40 },
      { name: 'peak', from: '08:00', to: '18:00', electricityFenPerKwh: 110, serviceFenPerKwh: 80 },
      { name: 'flat', from: '18:00', to: '24:00', electricityFenPerKwh: 70, serviceFenPerKwh: 60 },
    ],
    idleFeeFenPerMinute: 0,
    idleGraceMinutes: 0,
    ...overrides,
  };
}

export function aSessionPolicy(overrides: Partial<SessionPolicy> = {}): SessionPolicy {
  return {
    reservationMs: 15 * 60_000,
    startAckTimeoutMs: 60_000,
    stopAckTimeoutMs: 60_000,
    pileSilenceTimeoutMs: 5 * 60_000,
    maxDurationMs: 12 * 3_600_000,
    idleWaitMaxMs: 4 * 3_600_000,
    checkpointIntervalMs: 60_000,
    preauth: { minHoldFen: 1000, maxHoldFen: 20_000 },
    historyEventLimit: 10_000,
    ...overrides,
  };
}

export function aSessionInput(overrides: Partial<ChargingSessionInput> = {}): ChargingSessionInput {
  return {
    sessionId: randomUUID(),
    userId: 'driver-1',
    pileId: `pile-${randomUUID().slice(0, 8)}`,
    stationId: 'station-1',
    tariff: aTariff(),
    limits: {},
    reserve: false,
    policy: aSessionPolicy(),
    pileRatedPowerW: 120_000,
    ...overrides,
  };
}

/** A time as the API writes it: ISO 8601 in UTC. */
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
