import { type ChargingProgress, type StopPolicy, stopReasonFor } from './stop-conditions';

const policy: StopPolicy = { heldFen: 10_000, maxDurationMs: 12 * 3_600_000, checkpointIntervalMs: 60_000, fenPerKwhAhead: 190 };
const progress = (overrides: Partial<ChargingProgress> = {}): ChargingProgress => ({
  energyWh: 5000,
  costFen: 950,
  powerW: 60_000,
  socPercent: 40,
  elapsedMs: 600_000,
  ...overrides,
});

describe('when charging must stop', () => {
  it.each([
    ['nothing is reached', progress(), {}, undefined],
    ['the target state of charge is reached', progress({ socPercent: 80 }), { targetSocPercent: 80 }, 'TARGET_SOC_REACHED'],
    ['the target energy is reached', progress({ energyWh: 20_000 }), { targetEnergyWh: 20_000 }, 'TARGET_ENERGY_REACHED'],
    ['the next minute would reach the driver amount', progress({ costFen: 4900 }), { maxAmountFen: 5000 }, 'TARGET_AMOUNT_REACHED'],
    ['the next minute would overrun the hold', progress({ costFen: 9900 }), {}, 'PREAUTH_EXHAUSTED'],
    ['the maximum duration has passed', progress({ elapsedMs: 12 * 3_600_000 }), {}, 'MAX_DURATION_REACHED'],
    ['the SOC target is set but the car does not report SOC', progress({ socPercent: undefined }), { targetSocPercent: 80 }, undefined],
  ] as const)('%s', (_, current, limits, expected) => {
    expect(stopReasonFor(current, limits, policy)).toBe(expected);
  });

  it('keeps charging while the next interval still fits in the hold', () => {
    // 60 kW for one minute = 1000 Wh = 190 fen; 9800 + 190 < 10000
    expect(stopReasonFor(progress({ costFen: 9800 }), {}, policy)).toBeUndefined();
    expect(stopReasonFor(progress({ costFen: 9810 }), {}, policy)).toBe('PREAUTH_EXHAUSTED');
  });

  it('names the hold, not the driver amount, when the amount is above the hold', () => {
    expect(stopReasonFor(progress({ costFen: 9900 }), { maxAmountFen: 50_000 }, policy)).toBe('PREAUTH_EXHAUSTED');
  });
});
