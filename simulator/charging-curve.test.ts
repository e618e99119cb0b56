import { chargeStep, chargingPowerW, electricalReadings, MAX_PILE_POWER_W, socPercentOf, storedWhAt } from './charging-curve';

describe('the power a car draws', () => {
  it.each([
    ['an empty battery', 0, 120_000, 120_000],
    ['half a battery', 50, 120_000, 120_000],
    ['the start of the taper', 80, 120_000, 120_000],
    ['half way down the taper', 90, 120_000, 66_000],
    ['a full battery, a tenth of the maximum', 100, 120_000, 12_000],
    ['a slow pile near full', 95, 7_000, 2_275],
    ['a fractional SOC inside the taper', 80.5, 120_000, 117_300],
  ])('%s (%d %% at %d W max) → %d W', (_, soc, maxPowerW, expected) => {
    expect(chargingPowerW(soc, maxPowerW)).toBe(expected);
  });
});

describe('state of charge', () => {
  it.each([
    [30, 60_000, 18_000],
    [0, 60_000, 0],
    [100, 60_000, 60_000],
    [33, 1_001, 330],
  ])('%d %% of %d Wh is %d Wh', (soc, capacityWh, storedWh) => {
    expect(storedWhAt(soc, capacityWh)).toBe(storedWh);
  });

  it.each([
    [18_000, 60_000, 30],
    [59_999, 60_000, 99],
    [60_000, 60_000, 100],
  ])('%d Wh of %d Wh reads %d %%', (storedWh, capacityWh, soc) => {
    expect(socPercentOf(storedWh, capacityWh)).toBe(soc);
  });
});

describe('one charging interval', () => {
  const interval = { storedWh: 18_000, capacityWh: 60_000, maxPowerW: 120_000, elapsedMs: 1_000, carryWattMs: 0 };

  it.each([
    ['one second at 120 kW', interval, { powerW: 120_000, deliveredWh: 33, storedWh: 18_033, carryWattMs: 1_200_000 }],
    ['one hour at 7 kW', { ...interval, maxPowerW: 7_000, elapsedMs: 3_600_000 }, { powerW: 7_000, deliveredWh: 7_000, storedWh: 25_000, carryWattMs: 0 }],
    ['50 ms at 7 kW, less than one Wh', { ...interval, maxPowerW: 7_000, elapsedMs: 50 }, { powerW: 7_000, deliveredWh: 0, storedWh: 18_000, carryWattMs: 350_000 }],
    ['a carried remainder that completes a Wh', { ...interval, maxPowerW: 7_000, elapsedMs: 50, carryWattMs: 3_300_000 }, { deliveredWh: 1, carryWattMs: 50_000 }],
    ['the last Wh before full', { ...interval, storedWh: 59_999, elapsedMs: 60_000 }, { deliveredWh: 1, storedWh: 60_000, carryWattMs: 0 }],
    ['a full battery', { ...interval, storedWh: 60_000 }, { deliveredWh: 0, storedWh: 60_000 }],
    ['no time at all', { ...interval, elapsedMs: 0 }, { deliveredWh: 0, storedWh: 18_000, carryWattMs: 0 }],
  ])('%s', (_, given, expected) => {
    expect(chargeStep(given)).toMatchObject(expected);
  });

  it('adds up to the same energy whether sampled often or rarely', () => {
    let often = { ...interval, maxPowerW: 7_000, elapsedMs: 50 };
    for (let i = 0; i < 72_000; i++) often = { ...often, ...chargeStep(often) };
    const rarely = chargeStep({ ...interval, maxPowerW: 7_000, elapsedMs: 3_600_000 });
    expect(often.storedWh).toBe(rarely.storedWh);
  });
});

describe('electrical readings', () => {
  it.each([
    ['a fast pile at full power', 120_000, 120_000, 50, { voltageV: 400, currentA: 300, temperatureC: 45 }],
    ['a slow pile at full power', 7_000, 7_000, 50, { voltageV: 230, currentA: 30.4, temperatureC: 45 }],
    ['an idle fast pile', 0, 120_000, 30, { voltageV: 380, currentA: 0, temperatureC: 25 }],
    ['the strongest pile at the lowest pack voltage', MAX_PILE_POWER_W, MAX_PILE_POWER_W, 0, { voltageV: 350, currentA: 1000, temperatureC: 45 }],
  ])('%s', (_, powerW, maxPowerW, soc, expected) => {
    expect(electricalReadings(powerW, maxPowerW, soc)).toEqual(expected);
  });
});
