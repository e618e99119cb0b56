import { Tariff } from '../../domain/tariff';

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
