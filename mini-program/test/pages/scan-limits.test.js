const { limitsFrom } = require('../../pages/scan/limits');

describe('the stop condition the driver chose', () => {
  it.each([
    [{ mode: 'full', value: '' }, { limits: {} }],
    [{ mode: 'amount', value: '50' }, { limits: { maxAmountFen: 5000 } }],
    [{ mode: 'amount', value: '12.5' }, { limits: { maxAmountFen: 1250 } }],
    [{ mode: 'energy', value: '30' }, { limits: { targetEnergyWh: 30000 } }],
    [{ mode: 'energy', value: '7.5' }, { limits: { targetEnergyWh: 7500 } }],
  ])('turns %p into %p', (choice, expected) => expect(limitsFrom(choice)).toEqual(expected));

  it.each([
    [{ mode: 'amount', value: '' }],
    [{ mode: 'amount', value: '0.5' }],
    [{ mode: 'amount', value: '20000' }],
    [{ mode: 'energy', value: '0.5' }],
    [{ mode: 'energy', value: '7.55' }],
  ])('refuses %p with a reason', (choice) => expect(limitsFrom(choice).error).toEqual(expect.any(String)));
});
