import { telemetryOf } from './meter-values';
import { PILE_STATE_OF } from './status-notification';

const AT = 1_700_000_000_000;
const sample = (value: string, extra: object = {}) => ({ value, ...extra });

describe('an OCPP meter value as telemetry', () => {
  it.each([
    ['the energy register in Wh', [sample('12345', { measurand: 'Energy.Active.Import.Register', unit: 'Wh' })], 12_345],
    ['the energy register in kWh, rounded to whole Wh', [sample('12.3456', { measurand: 'Energy.Active.Import.Register', unit: 'kWh' })], 12_346],
    ['a sample without measurand (OCPP’s default is the energy register)', [sample('500')], 500],
    ['the total, not a phase', [sample('1', { phase: 'L1' }), sample('3')], 3],
  ])('reads %s', (_, sampledValue, energyRegisterWh) => {
    expect(telemetryOf({ timestamp: new Date(AT).toISOString(), sampledValue }, AT)).toMatchObject({ ts: AT, energyRegisterWh });
  });

  it.each([
    ['no energy register', [sample('7000', { measurand: 'Power.Active.Import', unit: 'W' })]],
    ['an energy register that is not a number', [sample('lots')]],
    ['a negative energy register', [sample('-5')]],
    ['an energy register in an unknown unit', [sample('5', { unit: 'varh' })]],
  ])('is nothing with %s', (_, sampledValue) => {
    expect(telemetryOf({ timestamp: new Date(AT).toISOString(), sampledValue }, AT)).toBeUndefined();
  });

  it('carries power in W and the state of charge, bounded', () => {
    const value = {
      timestamp: new Date(AT).toISOString(),
      sampledValue: [sample('100'), sample('22', { measurand: 'Power.Active.Import', unit: 'kW' }), sample('180', { measurand: 'SoC', unit: 'Percent' })],
    };
    expect(telemetryOf(value, AT)).toMatchObject({ powerW: 22_000, socPercent: 100 });
  });
});

describe('an OCPP connector status as the pile state', () => {
  it.each([
    ['Available', 'idle'],
    ['Preparing', 'plugged'],
    ['Charging', 'charging'],
    ['SuspendedEV', 'charging'],
    ['SuspendedEVSE', 'charging'],
    ['Finishing', 'plugged'],
    ['Unavailable', 'unavailable'],
    ['Faulted', 'faulted'],
  ])('%s is %s', (status, state) => {
    expect(PILE_STATE_OF[status]).toBe(state);
  });
});
