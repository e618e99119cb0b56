import { aTariff } from '../test/support/builders';
import { addMeteredSegment, idleCharge, priceEnergyByBand, settleBill } from './billing';
import { priceEnergy } from './money';

const at = (localTime: string) => Date.parse(`2026-03-02T${localTime}:00+08:00`);
const tariff = aTariff();

describe('energy pricing', () => {
  it.each([
    [1000, 110, 110],
    [1, 110, 0],
    [5, 110, 1],
    [4, 110, 0],
    [12_345, 73, 901],
    [0, 999, 0],
  ])('%i Wh at %i fen/kWh costs %i fen (rounded half up)', (wh, price, fen) => {
    expect(priceEnergy(wh, price)).toBe(fen);
  });

  it('refuses fractional energy', () => {
    expect(() => priceEnergy(1.5, 100)).toThrow(RangeError);
  });
});

describe('attributing metered energy to tariff bands', () => {
  it('puts a segment inside one band entirely in that band', () => {
    const ledger = addMeteredSegment(tariff, {}, { at: at('09:00'), meterWh: 1000 }, { at: at('10:00'), meterWh: 8000 });
    expect(ledger).toEqual({ 'peak|110|80': 7000 });
  });

  it('splits a segment across a band boundary in proportion to time', () => {
    const ledger = addMeteredSegment(tariff, {}, { at: at('07:30'), meterWh: 0 }, { at: at('08:30'), meterWh: 10_000 });
    expect(ledger).toEqual({ 'valley|35|40': 5000, 'peak|110|80': 5000 });
  });

  it('keeps the whole watt-hours of a split equal to the metered delta', () => {
    const ledger = addMeteredSegment(tariff, {}, { at: at('07:40'), meterWh: 0 }, { at: at('08:10'), meterWh: 1001 });
    expect(ledger['valley|35|40'] + ledger['peak|110|80']).toBe(1001);
    expect(ledger).toEqual({ 'valley|35|40': 667, 'peak|110|80': 334 });
  });

  it('accumulates successive segments', () => {
    let ledger = addMeteredSegment(tariff, {}, { at: at('17:00'), meterWh: 0 }, { at: at('17:30'), meterWh: 3000 });
    ledger = addMeteredSegment(tariff, ledger, { at: at('17:30'), meterWh: 3000 }, { at: at('18:30'), meterWh: 9000 });
    expect(ledger).toEqual({ 'peak|110|80': 6000, 'flat|70|60': 3000 });
  });

  it('rejects a meter that runs backwards', () => {
    expect(() => addMeteredSegment(tariff, {}, { at: at('09:00'), meterWh: 500 }, { at: at('09:01'), meterWh: 400 })).toThrow('meter went backwards');
  });
});

describe('a bill', () => {
  it('prices a session that crosses a band boundary per band', () => {
    const ledger = addMeteredSegment(tariff, {}, { at: at('17:00'), meterWh: 0 }, { at: at('19:00'), meterWh: 40_000 });
    const energy = priceEnergyByBand(tariff, ledger);
    expect(energy.lines).toEqual([
      { band: 'peak', energyWh: 20_000, electricityFenPerKwh: 110, serviceFenPerKwh: 80, electricityFen: 2200, serviceFen: 1600 },
      { band: 'flat', energyWh: 20_000, electricityFenPerKwh: 70, serviceFenPerKwh: 60, electricityFen: 1400, serviceFen: 1200 },
    ]);
    expect(energy).toMatchObject({ energyWh: 40_000, electricityFen: 3600, serviceFen: 2800, energyFen: 6400 });
  });

  it('captures the total and releases the rest of the hold', () => {
    const bill = settleBill({ lines: [], energyWh: 1000, electricityFen: 300, serviceFen: 200, energyFen: 500 }, { minutes: 0, feeFen: 0 }, 2000);
    expect(bill).toMatchObject({ totalFen: 500, capturedFen: 500, releasedFen: 1500, uncollectedFen: 0 });
  });

  it('never captures more than was held, and records the shortfall', () => {
    const bill = settleBill({ lines: [], energyWh: 1000, electricityFen: 1500, serviceFen: 700, energyFen: 2200 }, { minutes: 3, feeFen: 300 }, 2000);
    expect(bill).toMatchObject({ totalFen: 2500, capturedFen: 2000, releasedFen: 0, uncollectedFen: 500 });
  });
});

describe('idle fee', () => {
  const idleTariff = aTariff({ idleFeeFenPerMinute: 50, idleGraceMinutes: 10 });

  it.each([
    ['freed within the grace period', 9, 0, 0],
    ['freed exactly at the end of grace', 10, 0, 0],
    ['plugged in 25 minutes after charging', 25, 15, 750],
    ['plugged in 10 minutes 59 seconds (whole minutes only)', 10 + 59 / 60, 0, 0],
  ])('charges nothing or per minute beyond grace: %s', (_, minutes, billed, fee) => {
    const ended = at('12:00');
    expect(idleCharge(idleTariff, ended, ended + Math.round(minutes * 60_000))).toEqual({ minutes: billed, feeFen: fee });
  });

  it('is zero when the station charges no idle fee', () => {
    expect(idleCharge(aTariff(), at('12:00'), at('15:00'))).toEqual({ minutes: 0, feeFen: 0 });
  });
});
