import { bandAt, highestPriceBetween, priceAt, splitByBand } from './tariff';
import { tariffSchema } from './tariff-schema';
import { aTariff } from '../test/support/builders';

const at = (localTime: string) => Date.parse(`2026-03-02T${localTime}:00+08:00`);

describe('time-of-use tariff', () => {
  it.each([
    ['00:00', 'valley'],
    ['07:59', 'valley'],
    ['08:00', 'peak'],
    ['17:59', 'peak'],
    ['18:00', 'flat'],
    ['23:59', 'flat'],
  ])('at %s local time the %s band applies', (time, band) => {
    expect(bandAt(aTariff(), at(time)).name).toBe(band);
  });

  it('splits an interval at each band boundary it crosses', () => {
    const pieces = splitByBand(aTariff(), at('07:30'), at('18:30'));
    expect(pieces.map((p) => [p.band.name, (p.toMs - p.fromMs) / 60_000])).toEqual([
      ['valley', 30],
      ['peak', 600],
      ['flat', 30],
    ]);
  });

  it('continues into the next day after midnight', () => {
    const pieces = splitByBand(aTariff(), at('23:30'), at('23:30') + 60 * 60_000);
    expect(pieces.map((p) => p.band.name)).toEqual(['flat', 'valley']);
  });

  it('quotes the price in force and when it changes', () => {
    expect(priceAt(aTariff(), at('09:00'))).toEqual({
      band: 'peak',
      electricityFenPerKwh: 110,
      serviceFenPerKwh: 80,
      totalFenPerKwh: 190,
      validUntil: at('18:00'),
    });
  });

  it.each([
    ['inside the valley band', '03:00', '03:01', 75],
    ['inside the peak band', '10:00', '10:01', 190],
    ['inside the flat band', '20:00', '20:01', 130],
    ['from the valley into the peak', '07:59', '08:01', 190],
    ['from the peak into the flat band', '17:59', '18:01', 190],
    ['at an instant', '08:00', '08:00', 190],
  ])('prices the look-ahead %s at the highest price in force', (_, from, to, fenPerKwh) => {
    expect(highestPriceBetween(aTariff(), at(from), at(to))).toBe(fenPerKwh);
  });

  it.each([
    ['a gap', [['00:00', '08:00'], ['09:00', '24:00']], 'expected a band from 08:00'],
    ['an overlap', [['00:00', '10:00'], ['08:00', '24:00']], 'expected a band from 10:00'],
    ['a short day', [['00:00', '20:00']], 'they stop at 20:00'],
    ['a band ending before it starts', [['00:00', '12:00'], ['12:00', '06:00']], 'must end after it starts'],
  ])('rejects bands with %s', (_, ranges, message) => {
    const bands = ranges.map(([from, to], i) => ({ name: `b${i}`, from, to, electricityFenPerKwh: 100, serviceFenPerKwh: 50 }));
    const result = tariffSchema.safeParse({ ...aTariff(), bands });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toContain(message);
  });
});
