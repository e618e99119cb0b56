import { settleBill } from './billing';
import { type PayscoreState, nextPayscoreState, payscoreStateOf, postPaymentsOf } from './payscore';

describe('a Payscore order’s state', () => {
  it.each<[string, PayscoreState, PayscoreState, PayscoreState]>([
    ['moves forward when the driver confirms', 'created', 'doing', 'doing'],
    ['moves forward when WeChat Pay collects', 'completed', 'paid', 'paid'],
    ['stays in service when a confirmation comes again', 'doing', 'doing', 'doing'],
    ['stays paid when the confirmation arrives after the payment', 'paid', 'doing', 'paid'],
    ['stays cancelled when a confirmation arrives after the cancellation', 'cancelled', 'doing', 'cancelled'],
    ['stays completed when an older report says in service', 'completed', 'doing', 'completed'],
    ['stays declined whatever comes later', 'declined', 'created', 'declined'],
  ])('%s', (_, current, reported, expected) => {
    expect(nextPayscoreState(current, reported)).toBe(expected);
  });

  it.each([
    [{ state: 'CREATED' }, 'created'],
    [{ state: 'DOING', stateDescription: 'USER_CONFIRM' }, 'doing'],
    [{ state: 'DOING', stateDescription: 'MCH_COMPLETE' }, 'completed'],
    [{ state: 'DONE' }, 'paid'],
    [{ state: 'REVOKED' }, 'cancelled'],
    [{ state: 'EXPIRED' }, 'expired'],
    [{ state: 'SOMETHING_NEW' }, undefined],
  ])('reads WeChat Pay’s %j as %s', (reported, expected) => {
    expect(payscoreStateOf(reported)).toBe(expected);
  });
});

describe('the bill as Payscore post_payments', () => {
  const bill = (electricityFen: number, serviceFen: number, idleFeeFen: number, heldFen: number) =>
    settleBill({ lines: [], energyWh: 10_000, electricityFen, serviceFen, energyFen: electricityFen + serviceFen }, { minutes: 3, feeFen: idleFeeFen }, heldFen);

  it.each([
    ['every component within the risk amount', bill(700, 300, 90, 5000)],
    ['a bill above the risk amount, taken up to it', bill(700, 300, 90, 800)],
    ['a bill above the risk amount that reaches into the service fee', bill(700, 300, 90, 900)],
    ['no idle fee', bill(700, 300, 0, 5000)],
  ])('adds up to what is captured: %s', (_, b) => {
    const payments = postPaymentsOf(b);
    expect(payments.reduce((sum, p) => sum + p.amount, 0)).toBe(b.capturedFen);
    expect(payments.every((p) => p.amount > 0)).toBe(true);
  });

  it('takes the electricity first, then the service fee, then the idle fee', () => {
    const b = bill(700, 300, 90, 900);
    expect(postPaymentsOf(b).map((p) => p.amount)).toEqual([700, 900 - 700]);
  });
});
