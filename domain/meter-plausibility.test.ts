import { implausibleMeter, isAheadOfPlatformClock, plausibleEnergyWh } from './meter-plausibility';

const NOW = Date.parse('2026-03-02T10:00:00+08:00');
const MINUTE = 60_000;
const accepted = { at: NOW - 10 * MINUTE, meterWh: 100_000 };
const pile = { ratedPowerW: 120_000, now: NOW };

describe('whether a meter reading may be billed', () => {
  it.each([
    ['a minute at the rated power', { at: accepted.at + MINUTE, meterWh: 102_000 }, undefined],
    ['a minute at the rated power plus the margin', { at: accepted.at + MINUTE, meterWh: 102_200 }, undefined],
    ['no energy at all', { at: accepted.at + MINUTE, meterWh: 100_000 }, undefined],
    ['ten minutes of energy at a steady rate, reported late', { at: NOW, meterWh: 120_000 }, undefined],
    ['a timestamp within the clock skew', { at: NOW + 20_000, meterWh: 100_500 }, undefined],
    ['a timestamp 130 s ahead of the platform clock', { at: NOW + 130_000, meterWh: 100_500 }, 'ahead_of_clock'],
    ['a register that ran backwards', { at: accepted.at + MINUTE, meterWh: 99_999 }, 'register_backwards'],
    ['a register that jumped to another order of magnitude', { at: NOW, meterWh: 1_000_000 }, 'register_jump'],
    ['a minute above the rated power plus the margin', { at: accepted.at + MINUTE, meterWh: 102_300 }, 'faster_than_rated_power'],
    ['energy without any time passing', { at: accepted.at, meterWh: 100_050 }, 'faster_than_rated_power'],
    ['energy stamped before the accepted reading', { at: accepted.at - MINUTE, meterWh: 100_050 }, 'faster_than_rated_power'],
  ] as const)('%s', (_, reading, expected) => {
    expect(implausibleMeter(accepted, reading, pile)).toBe(expected);
  });

  it('judges a pile of unknown rated power against the most powerful pile there is', () => {
    expect(implausibleMeter(accepted, { at: accepted.at + 130_000, meterWh: 150_000 }, { now: NOW })).toBe('faster_than_rated_power');
    expect(implausibleMeter(accepted, { at: accepted.at + MINUTE, meterWh: 110_000 }, { now: NOW })).toBeUndefined();
  });

  it('allows the rated power plus ten per cent, in whole watt-hours', () => {
    expect(plausibleEnergyWh(120_000, 3_600_000)).toBe(132_002);
    expect(plausibleEnergyWh(7_000, -5)).toBe(2);
  });

  it('tells a pile clock ahead of the platform beyond the skew', () => {
    expect(isAheadOfPlatformClock(NOW + 30_000, NOW)).toBe(false);
    expect(isAheadOfPlatformClock(NOW + 30_001, NOW)).toBe(true);
  });
});
