import fc from 'fast-check';
import { type BillAmounts, type JournalEntry, type JournalLine, accountChange, accounts, checkEntry, isAccount, journalLines, sameLines } from './ledger';

const USER = 'user-1';
const dr = (account: string, fen: number): JournalLine => ({ account, debitFen: fen, creditFen: 0 });
const cr = (account: string, fen: number): JournalLine => ({ account, debitFen: 0, creditFen: fen });
const entry = (lines: JournalLine[]): JournalEntry => ({ idempotencyKey: 'k', kind: 'top_up', lines });
const aBill = (overrides: Partial<BillAmounts> = {}): BillAmounts => ({ electricityFen: 600, serviceFen: 300, idleFeeFen: 100, totalFen: 1000, capturedFen: 1000, uncollectedFen: 0, ...overrides });

describe('the lines of each movement', () => {
  it.each<[string, JournalLine[], JournalLine[]]>([
    ['a top-up: the provider holds it, the wallet owes it', journalLines.topUp(USER, 'wechatpay', 5000), [dr('provider_clearing:wechatpay', 5000), cr('wallet:user-1', 5000)]],
    ['a hold: from the balance to the holds', journalLines.hold(USER, 2000), [dr('wallet:user-1', 2000), cr('holds:user-1', 2000)]],
    ['a release: from the holds back to the balance', journalLines.release(USER, 700), [dr('holds:user-1', 700), cr('wallet:user-1', 700)]],
    ['a withdrawal: from the balance to refunds payable', journalLines.withdrawal(USER, 900), [dr('wallet:user-1', 900), cr('refunds_payable', 900)]],
    ['a refund the provider paid: out of its clearing account', journalLines.refundPaid('sandbox', 900), [dr('refunds_payable', 900), cr('provider_clearing:sandbox', 900)]],
    ['a refund the provider closed: back to the wallet', journalLines.refundReturned(accounts.wallet(USER), 900), [dr('refunds_payable', 900), cr('wallet:user-1', 900)]],
    ['an order refund to the wallet: against revenue adjustments', journalLines.orderRefund(accounts.wallet(USER), 250), [dr('revenue:adjustments', 250), cr('wallet:user-1', 250)]],
    [
      'a capture: the hold pays the bill, revenue by component',
      journalLines.bill(accounts.holds(USER), aBill()),
      [dr('holds:user-1', 1000), cr('revenue:electricity', 600), cr('revenue:service', 300), cr('revenue:idle', 100)],
    ],
    [
      'a bill above the hold: the rest is uncollected debt',
      journalLines.bill(accounts.holds(USER), aBill({ capturedFen: 800, uncollectedFen: 200 })),
      [dr('holds:user-1', 800), dr('uncollected_debt', 200), cr('revenue:electricity', 600), cr('revenue:service', 300), cr('revenue:idle', 100)],
    ],
    [
      'a bill a provider paid (Payscore): from its clearing account, no idle line when there is no idle fee',
      journalLines.bill(accounts.providerClearing('payscore'), aBill({ idleFeeFen: 0, totalFen: 900, capturedFen: 900 })),
      [dr('provider_clearing:payscore', 900), cr('revenue:electricity', 600), cr('revenue:service', 300)],
    ],
    ['an opening wallet: balance and holds against equity', journalLines.openingWallet(USER, 300, 200), [cr('wallet:user-1', 300), cr('holds:user-1', 200), dr('equity:opening', 500)]],
    ['an opening asset: debited, equity credited', journalLines.openingBalance(accounts.providerClearing('wechatpay'), 4000), [dr('provider_clearing:wechatpay', 4000), cr('equity:opening', 4000)]],
    ['an opening of nothing: no line', journalLines.openingWallet(USER, 0, 0), []],
  ])('%s', (_name, lines, expected) => {
    expect(lines).toEqual(expected);
    if (lines.length) expect(() => checkEntry(entry(lines))).not.toThrow();
  });

  it('refuses a bill whose components do not add up to its total', () => {
    expect(() => journalLines.bill(accounts.holds(USER), aBill({ idleFeeFen: 99 }))).toThrow(expect.objectContaining({ code: 'LEDGER_UNBALANCED' }));
  });

  it('balances every bill whose parts add up (generated)', () => {
    const bill = fc
      .record({ electricityFen: fc.nat(1_000_000), serviceFen: fc.nat(1_000_000), idleFeeFen: fc.nat(100_000), heldFen: fc.nat(2_000_000) })
      .filter((b) => b.electricityFen + b.serviceFen + b.idleFeeFen > 0);
    fc.assert(
      fc.property(bill, (b) => {
        const totalFen = b.electricityFen + b.serviceFen + b.idleFeeFen;
        const capturedFen = Math.min(totalFen, b.heldFen);
        const lines = journalLines.bill(accounts.holds(USER), { ...b, totalFen, capturedFen, uncollectedFen: totalFen - capturedFen });
        expect(checkEntry(entry(lines))).toBe(totalFen);
        expect(accountChange(lines, accounts.holds(USER)) + capturedFen).toBe(0);
      }),
    );
  });
});

describe('refusing an entry that cannot be posted', () => {
  it.each<[string, JournalEntry]>([
    ['debits differ from credits', entry([dr('wallet:user-1', 100), cr('holds:user-1', 99)])],
    ['a single line', entry([dr('wallet:user-1', 100)])],
    ['an unknown account', entry([dr('cash', 100), cr('wallet:user-1', 100)])],
    ['an unknown provider', entry([dr('provider_clearing:paypal', 100), cr('wallet:user-1', 100)])],
    ['a fraction of a fen', entry([dr('wallet:user-1', 0.5), cr('holds:user-1', 0.5)])],
    ['a negative amount', entry([dr('wallet:user-1', -100), cr('holds:user-1', -100)])],
    ['a line on both sides', entry([{ account: 'wallet:user-1', debitFen: 100, creditFen: 100 }, cr('holds:user-1', 0)])],
    ['a line of nothing', entry([dr('wallet:user-1', 0), cr('holds:user-1', 0)])],
    ['an unknown kind', { ...entry(journalLines.hold(USER, 100)), kind: 'gift' as JournalEntry['kind'] }],
    ['no idempotency key', { ...entry(journalLines.hold(USER, 100)), idempotencyKey: '' }],
  ])('%s', (_name, bad) => {
    expect(() => checkEntry(bad)).toThrow(expect.objectContaining({ code: 'LEDGER_UNBALANCED' }));
  });

  it('never accepts an entry whose debits and credits differ (generated)', () => {
    const line = fc.record({ account: fc.constantFrom('wallet:u', 'holds:u', 'refunds_payable', 'revenue:service'), debitFen: fc.nat(10_000), creditFen: fc.nat(10_000) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const debits = lines.reduce((s, l) => s + l.debitFen, 0);
        const credits = lines.reduce((s, l) => s + l.creditFen, 0);
        fc.pre(debits !== credits);
        expect(() => checkEntry(entry(lines))).toThrow(expect.objectContaining({ code: 'LEDGER_UNBALANCED' }));
      }),
    );
  });
});

describe('accounts', () => {
  it.each([
    ['wallet:3f2a9c1e-0d4b-4c55-9e61-2b7f0a8d9c10', true],
    ['holds:user-abc', true],
    ['provider_clearing:payscore', true],
    ['revenue:idle', true],
    ['equity:opening', true],
    ['wallet:', false],
    ['wallet:a b', false],
    ['revenue:gifts', false],
    ['refunds_payable ', false],
  ])('%s is an account: %s', (account, expected) => {
    expect(isAccount(account)).toBe(expected);
  });

  it('reads a change in each account\'s normal direction', () => {
    const lines = journalLines.topUp(USER, 'sandbox', 500);
    expect(accountChange(lines, accounts.wallet(USER))).toBe(500);
    expect(accountChange(lines, accounts.providerClearing('sandbox'))).toBe(500);
    expect(accountChange(lines, accounts.holds(USER))).toBe(0);
  });

  it('sees the same lines in another order as the same entry, and another amount as another', () => {
    const lines = journalLines.hold(USER, 100);
    expect(sameLines(lines, [...lines].reverse())).toBe(true);
    expect(sameLines(lines, journalLines.hold(USER, 101))).toBe(false);
  });
});
