import fc from 'fast-check';
import { fenFromYuan } from './money';
import { type MoneyMovement, dayBounds, previousDay, reconcile } from './reconciliation';

const pay = (reference: string, amountFen: number): MoneyMovement => ({ kind: 'payment', reference, amountFen });
const refund = (reference: string, amountFen: number): MoneyMovement => ({ kind: 'refund', reference, amountFen });

describe('reconciling a day of payments and refunds', () => {
  it('finds nothing when both sides agree line by line', () => {
    expect(reconcile([pay('tu1', 5000), refund('rf1', 1200)], [refund('rf1', 1200), pay('tu1', 5000)])).toEqual([]);
  });

  it('lists what only the provider has, what only our books have, and what differs', () => {
    expect(reconcile([pay('tu1', 5000), pay('tu2', 3000), refund('rf1', 100)], [pay('tu1', 4999), pay('tu3', 700), refund('rf1', 100)])).toEqual([
      { kind: 'amount_differs', movement: 'payment', reference: 'tu1', booksFen: 4999, providerFen: 5000 },
      { kind: 'missing_in_books', movement: 'payment', reference: 'tu2', booksFen: null, providerFen: 3000 },
      { kind: 'missing_at_provider', movement: 'payment', reference: 'tu3', booksFen: 700, providerFen: null },
    ]);
  });

  it('does not take a refund for the payment of the same reference', () => {
    expect(reconcile([refund('x1', 100)], [pay('x1', 100)])).toHaveLength(2);
  });

  it('counts a reference listed twice with its sum', () => {
    expect(reconcile([pay('tu1', 100), pay('tu1', 100)], [pay('tu1', 100)])).toEqual([{ kind: 'amount_differs', movement: 'payment', reference: 'tu1', booksFen: 100, providerFen: 200 }]);
  });

  it('finds exactly the lines that were changed, dropped or added on one side (generated)', () => {
    const day = fc.uniqueArray(fc.record({ reference: fc.stringMatching(/^[a-z0-9]{4,10}$/), amountFen: fc.integer({ min: 1, max: 1_000_000 }), refund: fc.boolean() }), { selector: (m) => `${m.refund}${m.reference}`, maxLength: 30 });
    fc.assert(
      fc.property(day, fc.nat(), (lines, seed) => {
        const books = lines.map((l) => (l.refund ? refund(l.reference, l.amountFen) : pay(l.reference, l.amountFen)));
        if (books.length === 0) return;
        const touched = seed % books.length;
        const provider = books.filter((_, i) => i !== touched);
        const mismatches = reconcile(provider, books);
        expect(mismatches).toEqual([{ kind: 'missing_at_provider', movement: books[touched].kind, reference: books[touched].reference, booksFen: books[touched].amountFen, providerFen: null }]);
      }),
    );
  });
});

describe('amounts in yuan', () => {
  it('are read exactly as fen', () => {
    expect([fenFromYuan('12.30'), fenFromYuan('0.01'), fenFromYuan('100'), fenFromYuan('7.5'), fenFromYuan('-3.10')]).toEqual([1230, 1, 10000, 750, -310]);
  });

  it('refuse what is not an amount', () => {
    for (const bad of ['', '1.234', 'abc', '1,000.00', '¥3']) expect(() => fenFromYuan(bad)).toThrow(RangeError);
  });
});

describe('days in the operator\'s zone', () => {
  it('span from local midnight to local midnight', () => {
    expect(dayBounds('2026-11-29', 480)).toEqual({ fromMs: Date.UTC(2026, 10, 28, 16), toMs: Date.UTC(2026, 10, 29, 16) });
  });

  it('name yesterday as the local calendar has it, just after local midnight', () => {
    expect(previousDay(Date.UTC(2026, 10, 29, 16, 0, 1), 480)).toBe('2026-11-29');
    expect(previousDay(Date.UTC(2026, 10, 29, 15, 59, 59), 480)).toBe('2026-11-28');
  });
});
