import fc from 'fast-check';
import { REFUND_WINDOW_MS, type RefundableTopUp, allocateWithdrawal } from './refunds';

const NOW = Date.UTC(2026, 10, 30, 4, 0, 0);
const DAY = 24 * 60 * 60_000;
const topUp = (topUpId: string, amountFen: number, daysAgo: number, refundedFen = 0): RefundableTopUp => ({ topUpId, amountFen, refundedFen, paidAtMs: NOW - daysAgo * DAY });

describe('allocating a withdrawal to the top-ups it came from', () => {
  it('refunds the oldest top-up first, then the next', () => {
    const shares = allocateWithdrawal(7000, [topUp('new', 5000, 1), topUp('old', 5000, 30)], NOW);
    expect(shares).toEqual([
      { topUpId: 'old', amountFen: 5000, topUpAmountFen: 5000 },
      { topUpId: 'new', amountFen: 2000, topUpAmountFen: 5000 },
    ]);
  });

  it('takes only what is left of a top-up partly refunded already', () => {
    expect(allocateWithdrawal(3000, [topUp('a', 5000, 10, 4000), topUp('b', 5000, 5)], NOW)).toEqual([
      { topUpId: 'a', amountFen: 1000, topUpAmountFen: 5000 },
      { topUpId: 'b', amountFen: 2000, topUpAmountFen: 5000 },
    ]);
  });

  it('skips a top-up paid more than a year ago, which WeChat Pay no longer refunds', () => {
    expect(() => allocateWithdrawal(1000, [topUp('ancient', 5000, 366)], NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: expect.objectContaining({ refundableFen: 0 }) }));
  });

  it('refuses an amount the refundable top-ups cannot cover, saying how much can be withdrawn', () => {
    expect(() => allocateWithdrawal(6000, [topUp('a', 5000, 1)], NOW)).toThrow(expect.objectContaining({ details: expect.objectContaining({ refundableFen: 5000 }) }));
  });

  it('refuses an amount that is not a positive whole number of fen', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => allocateWithdrawal(bad, [topUp('a', 5000, 1)], NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('never refunds more than asked, nor more than any top-up has left (generated)', () => {
    const topUps = fc.array(
      fc.record({ topUpId: fc.uuid(), amountFen: fc.integer({ min: 1, max: 100_000 }), refundedRatio: fc.double({ min: 0, max: 1, noNaN: true }), daysAgo: fc.integer({ min: 0, max: 400 }) }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(topUps, fc.integer({ min: 1, max: 500_000 }), (generated, amountFen) => {
        const given = generated.map((g) => topUp(g.topUpId, g.amountFen, g.daysAgo, Math.floor(g.amountFen * g.refundedRatio)));
        const refundable = given.filter((t) => NOW - t.paidAtMs <= REFUND_WINDOW_MS).reduce((sum, t) => sum + t.amountFen - t.refundedFen, 0);
        if (amountFen > refundable) {
          expect(() => allocateWithdrawal(amountFen, given, NOW)).toThrow();
          return;
        }
        const shares = allocateWithdrawal(amountFen, given, NOW);
        expect(shares.reduce((sum, s) => sum + s.amountFen, 0)).toBe(amountFen);
        for (const share of shares) {
          const source = given.find((t) => t.topUpId === share.topUpId)!;
          expect(share.amountFen).toBeGreaterThan(0);
          expect(share.amountFen).toBeLessThanOrEqual(source.amountFen - source.refundedFen);
        }
      }),
    );
  });
});
