import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Op } from 'sequelize';
import type { CaptureRequest } from '../activities/ports';
import { WalletSessionPayments } from '../payments/session-payments';
import { freshMariaDb, freshSqlite } from '../test/support/fresh-database';
import { type Bill, settleBill } from '../domain/billing';
import { accounts, CLEARING_PROVIDERS } from '../domain/ledger';
import { priceEnergy } from '../domain/money';
import { dayWindows, localDayOf } from '../domain/operator-days';
import type { Database } from './database';
import { LedgerBooks } from './ledger';
import { Orders } from './orders';
import { StatsQueries } from './stats-queries';
import { StatsRollups } from './stats-rollups';
import { WalletPayments } from './wallet';

/**
 * The journal's invariants over randomized sessions on a real database, with the failures a Temporal activity meets:
 * calls retried after they succeeded (some twice at once), crashes that roll a transaction back midway (then the retry), declines, start
 * failures (release), bills above the hold (uncollected debt), top-ups, withdrawals whose refunds succeed, close or go
 * abnormal, and review refunds. The clock is fixed and moved by the test (Date only; timers stay real).
 */
const TIME_ZONE = 'Asia/Shanghai';
const START = Date.UTC(2026, 10, 1, 0, 0, 0);
const SESSIONS_PER_RUN = 50;
const DRIVERS_PER_RUN = 4;
const POLICY = { maxHoldFen: 6000 };

class InjectedCrash extends Error {}

/** Where a crash can be injected: the hook of a write that comes last (or late) in a money transaction. */
type CrashPoint = 'walletEntry' | 'journalLines' | 'order' | 'refund';

const topUpArb = fc.record({ amountFen: fc.integer({ min: 1, max: 20_000 }), provider: fc.constantFrom('sandbox', 'wechatpay'), retried: fc.boolean(), crash: fc.boolean() });
const refundOutcomeArb = fc.constantFrom('succeeded', 'closed', 'abnormal_then_succeeded', 'abnormal_then_closed', 'left_processing', 'left_abnormal');
const stepArb = fc.record({
  driver: fc.nat(DRIVERS_PER_RUN - 1),
  minutesLater: fc.integer({ min: 1, max: 240 }),
  topUp: fc.option(topUpArb, { freq: 2 }),
  session: fc.record({
    // A minimum above any balance here: the session is declined.
    minHoldFen: fc.constantFrom(300, 300, 300, 100_000),
    path: fc.constantFrom('start_failed', 'settled', 'settled', 'settled'),
    energyWh: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 })),
    electricityFenPerKwh: fc.integer({ min: 20, max: 120 }),
    serviceFenPerKwh: fc.integer({ min: 0, max: 80 }),
    idleFeeFen: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2000 })),
    crash: fc.constantFrom<CrashPoint | 'none'>('none', 'none', 'walletEntry', 'journalLines', 'order'),
    retried: fc.boolean(),
  }),
  review: fc.option(fc.record({ percent: fc.integer({ min: 0, max: 100 }), retried: fc.boolean(), crash: fc.boolean() }), { freq: 4 }),
  withdrawal: fc.option(
    fc.record({ percent: fc.integer({ min: 0, max: 100 }), outcomes: fc.array(refundOutcomeArb, { minLength: 4, maxLength: 4 }), retried: fc.boolean(), crash: fc.boolean() }),
    { freq: 4 },
  ),
});

// 1,000 sessions on MariaDB, the production engine; fewer on SQLite, whose every commit is an fsync (about 0.1 s a
// session on this suite's machines), to keep the file near a minute.
describe.each([
  ['MariaDB', 20, freshMariaDb],
  ['SQLite', 6, freshSqlite],
] as const)('the journal over randomized sessions with failures injected, on %s', (_dialect, RUNS, fresh) => {
  let db: Database;
  let drop: () => Promise<void>;
  let wallet: WalletPayments;
  let payments: WalletSessionPayments;
  let books: LedgerBooks;
  let crashAt: CrashPoint | undefined;
  let clock = START;

  const crashIf = (point: CrashPoint) => () => {
    if (crashAt !== point) return;
    crashAt = undefined;
    throw new InjectedCrash(`crash at ${point}`);
  };

  let crashes = 0;
  /**
   * Runs `call` with a crash armed at `point`; when the crash hits, the transaction rolls back and `call` runs again
   * as the activity's retry would. A call that never reaches the point (a declined session writes nothing) just runs.
   */
  async function crashThenRetry<T>(point: CrashPoint | 'none', call: () => Promise<T>): Promise<T> {
    if (point === 'none') return call();
    crashAt = point;
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof InjectedCrash)) throw error;
      crashes += 1;
      return call();
    } finally {
      crashAt = undefined;
    }
  }

  const setClock = (ms: number) => {
    clock = ms;
    jest.setSystemTime(ms);
  };

  beforeAll(async () => {
    jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'] });
    ({ db, drop } = await fresh());
    await db.migrate();
    wallet = new WalletPayments(db);
    payments = new WalletSessionPayments({ db, wallet, orders: new Orders(db) });
    books = new LedgerBooks(db);
    db.models.WalletTransaction.addHook('afterCreate', crashIf('walletEntry'));
    db.models.LedgerLine.addHook('afterBulkCreate', crashIf('journalLines'));
    db.models.Order.addHook('afterCreate', crashIf('order'));
    db.models.Refund.addHook('afterUpdate', crashIf('refund'));
  });
  afterAll(async () => {
    jest.useRealTimers();
    await db.close();
    await drop();
  });

  it(`keeps every invariant of the books over ${RUNS * SESSIONS_PER_RUN} sessions`, async () => {
    let sessions = 0;
    const runStarts: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: SESSIONS_PER_RUN, maxLength: SESSIONS_PER_RUN }), async (steps) => {
        const drivers = Array.from({ length: DRIVERS_PER_RUN }, () => `driver-${randomUUID().slice(0, 8)}`);
        const expected = new Map(drivers.map((d) => [d, { balanceFen: 0, heldFen: 0 }]));
        runStarts.push(clock);
        for (const step of steps) {
          setClock(clock + step.minutesLater * 60_000);
          const userId = drivers[step.driver];
          const mine = expected.get(userId)!;

          if (step.topUp) {
            const { amountFen, provider, retried, crash } = step.topUp;
            const request = { userId, amountFen, provider, providerRef: null, idempotencyKey: randomUUID() };
            const first = await crashThenRetry(crash ? 'walletEntry' : 'none', () => wallet.creditTopUp(request));
            if (retried) expect((await wallet.creditTopUp(request)).id).toBe(first.id);
            mine.balanceFen += amountFen;
          }

          const sessionId = randomUUID();
          const { session } = step;
          sessions += 1;
          const authorizeRequest = { sessionId, userId, limits: {}, policy: { ...POLICY, minHoldFen: session.minHoldFen } };
          const decision = await crashThenRetry(session.crash === 'walletEntry' ? 'walletEntry' : 'none', () => wallet.authorize(authorizeRequest));
          if (session.retried) expect(await wallet.authorize(authorizeRequest)).toEqual(decision);
          if (!decision.approved) {
            expect(mine.balanceFen).toBeLessThan(session.minHoldFen);
            continue;
          }
          mine.balanceFen -= decision.holdFen;
          mine.heldFen += decision.holdFen;

          if (session.path === 'start_failed') {
            await crashThenRetry(session.crash === 'journalLines' ? 'journalLines' : 'none', () => payments.release(sessionId));
            if (session.retried) await Promise.all([payments.release(sessionId), payments.release(sessionId)]);
            mine.balanceFen += decision.holdFen;
            mine.heldFen -= decision.holdFen;
            continue;
          }

          const bill = aBill(session, decision.holdFen);
          const capture: CaptureRequest = { sessionId, userId, pileId: 'pile-1', stationId: 'station-1', bill };
          await crashThenRetry(session.crash === 'journalLines' || session.crash === 'order' ? session.crash : 'none', () => payments.capture(capture));
          // A retry racing an attempt that timed out but still runs: both at once.
          if (session.retried) await Promise.all([payments.capture(capture), payments.capture(capture)]);
          // The workflow's release after a capture (an operator's cancel racing settlement) changes nothing.
          await payments.release(sessionId);
          mine.heldFen -= decision.holdFen;
          mine.balanceFen += bill.releasedFen;

          const refundFen = step.review && Math.floor((step.review.percent * bill.capturedFen) / 100);
          if (step.review && refundFen) {
            const refund = () => db.transaction((t) => wallet.refundOrder({ sessionId, userId, amountFen: refundFen }, t));
            await crashThenRetry(step.review.crash ? 'walletEntry' : 'none', refund);
            if (step.review.retried) expect(await refund()).toBe('already_refunded');
            mine.balanceFen += refundFen;
          }

          const withdrawFen = step.withdrawal && Math.floor((step.withdrawal.percent * mine.balanceFen) / 100);
          if (step.withdrawal && withdrawFen) {
            const { outcomes, retried, crash } = step.withdrawal;
            const request = { userId, amountFen: withdrawFen, idempotencyKey: randomUUID(), nowMs: clock };
            const opened = await crashThenRetry(crash ? 'walletEntry' : 'none', () => wallet.openWithdrawal(request));
            if (retried) expect((await wallet.openWithdrawal(request)).withdrawal.id).toBe(opened.withdrawal.id);
            mine.balanceFen -= withdrawFen;
            for (const [i, refund] of opened.refunds.entries()) {
              const outcome = outcomes[i % outcomes.length];
              const settle = (status: 'succeeded' | 'closed' | 'abnormal') => wallet.settleRefund(refund.outRefundNo, { status, atMs: clock });
              if (outcome.startsWith('abnormal') || outcome === 'left_abnormal') await settle('abnormal');
              const final = outcome.endsWith('succeeded') ? 'succeeded' : outcome.endsWith('closed') ? 'closed' : undefined;
              if (!final) continue;
              await crashThenRetry(crash ? 'refund' : 'none', () => settle(final));
              if (retried) await Promise.all([settle(final), settle(final)]);
              if (final === 'closed') mine.balanceFen += refund.amountFen;
            }
          }
        }
        await expectBooksInBalance(expected);
        await expectDaysMatchTheOrders(runStarts[runStarts.length - 1], clock);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(sessions).toBeGreaterThanOrEqual(RUNS * SESSIONS_PER_RUN);
    // The failures were injected, not only generated.
    expect(crashes).toBeGreaterThan(RUNS * SESSIONS_PER_RUN * 0.1);
  }, 300_000); // a bound for a hang, not a figure: the MariaDB run took over 150 s on a slow machine of this kind

  async function expectBooksInBalance(expected: Map<string, { balanceFen: number; heldFen: number }>) {
    const trial = await books.trialBalance();
    expect(trial.unbalancedEntryIds).toEqual([]);
    // Nothing created or lost: debits equal credits, so the accounts' signed balances sum to zero.
    expect(trial.debitFen).toBe(trial.creditFen);
    const balanceOf = (account: string) => trial.accounts.find((a) => a.account === account)?.balanceFen ?? 0;

    // No wallet below zero, in the projection or in the journal, and the projection is the journal.
    expect(await books.walletProjectionMismatches()).toEqual([]);
    expect(await db.models.Wallet.count({ where: { [Op.or]: [{ balanceFen: { [Op.lt]: 0 } }, { heldFen: { [Op.lt]: 0 } }] } })).toBe(0);
    expect(trial.accounts.filter((a) => /^(wallet|holds):/.test(a.account) && a.balanceFen < 0)).toEqual([]);
    for (const [userId, figures] of expected) {
      expect({ userId, balanceFen: balanceOf(accounts.wallet(userId)), heldFen: balanceOf(accounts.holds(userId)) }).toEqual({ userId, ...figures });
    }

    // Each provider holds what was paid in through it less what it paid back out.
    const { TopUp, Refund, Order, PaymentHold, WalletTransaction } = db.models;
    // MariaDB answers SUM as a DECIMAL string, and NULL over no rows.
    const sum = async (query: Promise<number | null>) => Number((await query) ?? 0);
    for (const provider of CLEARING_PROVIDERS) {
      const paidIn = await sum(TopUp.sum('amountFen', { where: { provider, status: 'succeeded' } }));
      const paidOut = await sum(Refund.sum('amountFen', { where: { provider, status: 'succeeded' } }));
      expect({ provider, clearingFen: balanceOf(accounts.providerClearing(provider)) }).toEqual({ provider, clearingFen: paidIn - paidOut });
    }
    expect(balanceOf(accounts.refundsPayable)).toBe(await sum(Refund.sum('amountFen', { where: { status: ['processing', 'abnormal'] } })));
    expect(balanceOf(accounts.uncollectedDebt)).toBe(await sum(Order.sum('uncollectedFen')));
    expect(trial.accounts.filter((a) => a.account.startsWith('holds:')).reduce((s, a) => s + a.balanceFen, 0)).toBe(await sum(PaymentHold.sum('amountFen', { where: { status: 'held' } })));
    expect(balanceOf(accounts.revenueAdjustments)).toBe(await sum(WalletTransaction.sum('amountFen', { where: { kind: 'order_refund' } })));

    // Exactly once: one capture entry per order with something to bill, one hold entry per hold.
    expect(await db.models.LedgerEntry.count({ where: { kind: 'capture' } })).toBe(await Order.count({ where: { totalFen: { [Op.gt]: 0 } } }));
    expect(await db.models.LedgerEntry.count({ where: { kind: 'hold' } })).toBe(await PaymentHold.count());
  }

  /** Today's figures equal the sum of the orders: each local day's revenue in the journal is the dashboards' figure. */
  async function expectDaysMatchTheOrders(fromMs: number, toMs: number) {
    const from = localDayOf(fromMs, TIME_ZONE);
    const to = localDayOf(toMs, TIME_ZONE);
    await new StatsRollups(db, TIME_ZONE).recompute(from, to, new Date(toMs));
    const dashboards = new StatsQueries(db);
    for (const { day, startsAt, endsAt } of dayWindows(from, to, TIME_ZONE)) {
      const figures = await dashboards.totals({ from: day, to: day });
      const journal = await books.totalsBetween(startsAt, endsAt);
      const credited = (account: string) => journal.find((a) => a.account === account)?.balanceFen ?? 0;
      const debited = (account: string) => journal.find((a) => a.account === account)?.debitFen ?? 0;
      const orders = await db.models.Order.findAll({ where: { createdAt: { [Op.gte]: startsAt, [Op.lt]: endsAt } }, attributes: ['capturedFen', 'uncollectedFen'], raw: true });
      expect({
        day,
        electricityFen: credited(accounts.revenueElectricity),
        serviceFen: credited(accounts.revenueService),
        idleFeeFen: credited(accounts.revenueIdle),
        totalFen: credited(accounts.revenueElectricity) + credited(accounts.revenueService) + credited(accounts.revenueIdle),
        uncollectedFen: debited(accounts.uncollectedDebt),
      }).toEqual({
        day,
        electricityFen: figures.electricityFen,
        serviceFen: figures.serviceFen,
        idleFeeFen: figures.idleFeeFen,
        totalFen: orders.reduce((s, o) => s + o.capturedFen + o.uncollectedFen, 0),
        uncollectedFen: orders.reduce((s, o) => s + o.uncollectedFen, 0),
      });
      expect(figures.totalFen).toBe(credited(accounts.revenueElectricity) + credited(accounts.revenueService) + credited(accounts.revenueIdle));
    }
  }
});

function aBill(session: { energyWh: number; electricityFenPerKwh: number; serviceFenPerKwh: number; idleFeeFen: number }, heldFen: number): Bill {
  const electricityFen = priceEnergy(session.energyWh, session.electricityFenPerKwh);
  const serviceFen = priceEnergy(session.energyWh, session.serviceFenPerKwh);
  const energy = { lines: [], energyWh: session.energyWh, electricityFen, serviceFen, energyFen: electricityFen + serviceFen };
  return settleBill(energy, { minutes: session.idleFeeFen ? 1 : 0, feeFen: session.idleFeeFen }, heldFen);
}
