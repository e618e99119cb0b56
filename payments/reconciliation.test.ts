import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createReconciliationActivities } from '../activities/reconciliation-activities';
import { createRefundActivities } from '../activities/refund-activities';
import { Orders } from '../db/orders';
import { PayscoreOrders } from '../db/payscore-orders';
import { ReconciliationBooks } from '../db/reconciliation';
import { SessionReviews } from '../db/session-reviews';
import { WeChatPayOrders } from '../db/wechat-pay-orders';
import { startTestApi, type TestApi } from '../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../test/support/fake-wechat-pay';
import { eventually } from '../test/support/live-client';
import { aSettledPayscoreSession } from '../test/support/payscore-sessions';
import { uniqueId } from '../test/support/services';
import { createTimeSkippingEnv, workflowBundle } from '../test/support/temporal';
import { reconcilePayments } from '../workflows/reconciliation';
import { refundWorkflowId } from '../workflows/refund.messages';
import { PayscoreRefunds } from './payscore-refunds';
import { DailyReconciliation } from './reconciliation';
import { TemporalReconciliationRuns } from './reconciliation-runs';
import { TemporalRefundWatch } from './refund-watch';
import { RefundDesk } from './refunds';
import { WeChatPayBills } from './wechat-pay/wechat-pay-bills';
import { WeChatPayClient } from './wechat-pay/client';
import { WeChatPayRefunds } from './wechat-pay/wechat-pay-refunds';
import { WeChatPayTopUps } from './wechat-pay/wechat-pay-top-ups';
import { WeChatPayscore } from './wechat-pay/wechat-payscore';

/**
 * Each day, WeChat Pay's trade bill against our books (the journal), line by line; what disagrees waits for support.
 * On both databases: our side is one query over the journal and the rows it refers to.
 */
describe.each(['MariaDB', 'SQLite'] as const)('reconciliation with WeChat Pay on %s', (database) => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let topUps: WeChatPayTopUps;
  let payscoreOrders: PayscoreOrders;
  let payscore: WeChatPayscore;
  let reviews: SessionReviews;
  let http: ReturnType<TestApi['httpWith']>;
  let support: string;
  const taskQueue = `reconciliation-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApi({}, {}, { database });
    pay = await startFakeWeChatPay();
    env = await createTimeSkippingEnv();
    const client = new WeChatPayClient(pay.config);
    topUps = new WeChatPayTopUps({ orders: new WeChatPayOrders(t.db), users: t.deps.users, config: pay.config, wallet: t.deps.wallet });
    const refunds = new WeChatPayRefunds(client);
    payscoreOrders = new PayscoreOrders(t.db);
    payscore = new WeChatPayscore({ db: t.db, orders: payscoreOrders, sessionOrders: new Orders(t.db), users: t.deps.users, config: pay.config });
    const desk = new RefundDesk({ wallet: t.deps.wallet, gateways: { wechatpay: refunds }, books: [new PayscoreRefunds({ orders: payscoreOrders, gateway: refunds })] });
    const refundWatch = new TemporalRefundWatch({ temporal: env.client, taskQueue });
    reviews = new SessionReviews({ db: t.db, wallet: t.deps.wallet, payscore: { orders: payscoreOrders, refundWatch } });
    const books = new ReconciliationBooks(t.db);
    const reconciliation = new DailyReconciliation({ provider: 'wechatpay', statements: new WeChatPayBills(client), books });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { ...createRefundActivities({ refunds: desk }), ...createReconciliationActivities({ reconciliation }) },
    });
    running = worker.run();
    http = t.httpWith({
      wechatPay: topUps,
      refunds: { desk, watch: refundWatch, wechatPay: refunds },
      reconciliation: { books, runs: new TemporalReconciliationRuns({ temporal: env.client, taskQueue }) },
    });
    support = (await t.staffLogin(uniqueId('finance'), 'support')).token;
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await pay?.close();
    await t?.stop();
  }, 60_000);

  afterEach(() => {
    pay.billEdits = { drop: new Set(), amountsFen: new Map(), add: [] };
    pay.corruptBillDownloads = false;
    pay.notificationKnobs.drop = false;
  });

  /** Money moves on `day` (China time, at 10:00): paid top-ups, notified as WeChat Pay would. */
  const onDay = (day: string) => {
    pay.now = () => Date.parse(`${day}T10:00:00+08:00`);
  };
  const aPaidTopUp = async (amountFen: number, options: { notified?: boolean } = {}) => {
    const user = await t.deps.wechatUsers.userFor(uniqueId('openid'));
    const { topUp } = await topUps.start({ userId: user.id, amountFen, idempotencyKey: uniqueId('key') });
    pay.pay(topUp.id);
    if (options.notified !== false) await topUps.confirm(pay.notification(topUp.id));
    return { userId: user.id, outTradeNo: topUp.id, token: t.deps.tokens.issue({ id: user.id, name: 'driver', role: 'driver' }) };
  };
  /** The refund's workflow submits it, WeChat Pay pays it out, and the workflow records that. */
  const refundSucceeds = async (outRefundNo: string) => {
    await eventually(async () => pay.refunds.get(outRefundNo), (r) => r !== undefined);
    pay.endRefund(outRefundNo, 'SUCCESS');
    await env.client.workflow.getHandle(refundWorkflowId(outRefundNo)).result();
    return outRefundNo;
  };
  const aSucceededWithdrawal = async (driver: { token: string }, amountFen: number) => {
    const { body } = await http.post('/api/v1/wallet/withdrawals').set('authorization', `Bearer ${driver.token}`).send({ amountFen }).expect(201);
    return refundSucceeds(body.withdrawal.refunds[0].outRefundNo);
  };
  /** A Payscore-paid session settled; `collected`: WeChat Pay collected it and our watch recorded that. */
  const aPayscoreSession = (collected: boolean) => aSettledPayscoreSession({ t, pay, payscore, orders: payscoreOrders }, { collected });
  /** Support gives part of a Payscore-paid order back (the review's "adjust"), and WeChat Pay pays the refund out. */
  const aSucceededPayscoreRefund = async (sessionId: string, refundFen: number) => {
    await reviews.decide({ sessionId, decision: 'adjust', refundFen, note: 'meter dispute', staff: { id: 'staff-1', name: 'Sam', role: 'support' } });
    return refundSucceeds((await payscoreOrders.refundOf(sessionId))!.outRefundNo);
  };
  const mismatchesOf = async (day: string) =>
    (await openMismatches(day)).map((m: { kind: string; movement: string; reference: string; booksFen: number | null; providerFen: number | null }) => [m.kind, m.movement, m.reference, m.booksFen, m.providerFen]);
  const reconcile = (day: string) => env.client.workflow.execute(reconcilePayments, { args: [day], taskQueue, workflowId: `reconcile-${day}-${randomUUID()}` });
  const openMismatches = async (day: string) => (await http.get(`/api/v1/admin/reconciliation/mismatches?date=${day}`).set('authorization', `Bearer ${support}`).expect(200)).body.mismatches;

  it('finds nothing to report on a day where the bill and our books agree', async () => {
    onDay('2026-11-20');
    const driver = await aPaidTopUp(5000);
    await aPaidTopUp(1234);
    await aSucceededWithdrawal(driver, 2000);
    expect(await reconcile('2026-11-20')).toEqual({ billDate: '2026-11-20', providerLines: 3, booksLines: 3, mismatches: 0 });
    expect(await openMismatches('2026-11-20')).toEqual([]);
  });

  it('lists every line that disagrees: missing in our books, missing at WeChat Pay, amounts that differ', async () => {
    onDay('2026-11-21');
    const dropped = await aPaidTopUp(3000);
    const changed = await aPaidTopUp(4000);
    const unnotified = await aPaidTopUp(2500, { notified: false });
    pay.billEdits.drop.add(dropped.outTradeNo);
    pay.billEdits.amountsFen.set(changed.outTradeNo, 4001);
    expect(await reconcile('2026-11-21')).toMatchObject({ providerLines: 2, booksLines: 2, mismatches: 3 });
    const found = (await openMismatches('2026-11-21')).map((m: { kind: string; reference: string; booksFen: number | null; providerFen: number | null }) => [m.kind, m.reference, m.booksFen, m.providerFen]);
    expect(found.sort()).toEqual(
      [
        ['amount_differs', changed.outTradeNo, 4000, 4001],
        ['missing_at_provider', dropped.outTradeNo, 3000, null],
        ['missing_in_books', unnotified.outTradeNo, null, 2500],
      ].sort(),
    );
  });

  it('keeps a mismatch support resolved resolved when the day is reconciled again', async () => {
    onDay('2026-11-22');
    const kept = await aPaidTopUp(3000);
    const second = await aPaidTopUp(700);
    pay.billEdits.drop.add(kept.outTradeNo).add(second.outTradeNo);
    await reconcile('2026-11-22');
    const [first] = await openMismatches('2026-11-22');
    const { body } = await http.post(`/api/v1/admin/reconciliation/mismatches/${first.id}/resolve`).set('authorization', `Bearer ${support}`).send({ note: 'WeChat Pay confirmed by phone; bill corrected' }).expect(200);
    expect(body.mismatch).toMatchObject({ resolvedAt: expect.any(String), note: 'WeChat Pay confirmed by phone; bill corrected' });
    await http.post(`/api/v1/admin/reconciliation/mismatches/${first.id}/resolve`).set('authorization', `Bearer ${support}`).send({ note: 'again' }).expect(409);
    await reconcile('2026-11-22');
    expect((await openMismatches('2026-11-22')).map((m: { reference: string }) => m.reference)).toEqual([first.reference === kept.outTradeNo ? second.outTradeNo : kept.outTradeNo]);
    const audit = await t.deps.audit.list({ action: 'reconciliation.resolve', limit: 10 });
    expect(audit.entries.map((e) => [e.target, e.result])).toEqual([
      [`mismatch:${first.id}`, 'CONFLICT'],
      [`mismatch:${first.id}`, 'ok'],
    ]);
  });

  it('finds nothing to report on a day of top-ups, a withdrawal, a Payscore collection and a Payscore refund that agree with the bill', async () => {
    onDay('2026-11-25');
    const driver = await aPaidTopUp(5000);
    await aPaidTopUp(1234);
    await aSucceededWithdrawal(driver, 2000);
    const { sessionId, bill } = await aPayscoreSession(true);
    await aSucceededPayscoreRefund(sessionId, Math.floor(bill.capturedFen / 3));
    expect(await reconcile('2026-11-25')).toEqual({ billDate: '2026-11-25', providerLines: 5, booksLines: 5, mismatches: 0 });
    expect(await openMismatches('2026-11-25')).toEqual([]);
  });

  it('lists a Payscore order WeChat Pay collected that our books do not have as collected', async () => {
    onDay('2026-11-26');
    const { outOrderNo, bill } = await aPayscoreSession(false);
    pay.notificationKnobs.drop = true;
    await pay.collectServiceOrder(outOrderNo);
    expect(await reconcile('2026-11-26')).toMatchObject({ providerLines: 1, booksLines: 0, mismatches: 1 });
    expect(await mismatchesOf('2026-11-26')).toEqual([['missing_in_books', 'payment', outOrderNo, null, bill.capturedFen]]);
  });

  it('lists a Payscore collection in our books that the bill does not have', async () => {
    onDay('2026-11-27');
    const { outOrderNo, bill } = await aPayscoreSession(true);
    pay.billEdits.drop.add(outOrderNo);
    expect(await reconcile('2026-11-27')).toMatchObject({ providerLines: 0, booksLines: 1, mismatches: 1 });
    expect(await mismatchesOf('2026-11-27')).toEqual([['missing_at_provider', 'payment', outOrderNo, bill.capturedFen, null]]);
  });

  it('lists a Payscore collection the bill has for another amount', async () => {
    onDay('2026-11-28');
    const { outOrderNo, bill } = await aPayscoreSession(true);
    pay.billEdits.amountsFen.set(outOrderNo, bill.capturedFen + 1);
    expect(await reconcile('2026-11-28')).toMatchObject({ providerLines: 1, booksLines: 1, mismatches: 1 });
    expect(await mismatchesOf('2026-11-28')).toEqual([['amount_differs', 'payment', outOrderNo, bill.capturedFen, bill.capturedFen + 1]]);
  });

  it('lists a Payscore refund in our books that the bill does not have', async () => {
    onDay('2026-11-29');
    const { sessionId, bill } = await aPayscoreSession(true);
    const refundFen = Math.floor(bill.capturedFen / 2);
    const outRefundNo = await aSucceededPayscoreRefund(sessionId, refundFen);
    pay.billEdits.drop.add(outRefundNo);
    expect(await reconcile('2026-11-29')).toMatchObject({ providerLines: 1, booksLines: 2, mismatches: 1 });
    expect(await mismatchesOf('2026-11-29')).toEqual([['missing_at_provider', 'refund', outRefundNo, refundFen, null]]);
  });

  it('reconciles a day without trades to nothing', async () => {
    expect(await reconcile('2026-11-23')).toEqual({ billDate: '2026-11-23', providerLines: 0, booksLines: 0, mismatches: 0 });
  });

  it('does not believe a bill whose download does not match its hash', async () => {
    onDay('2026-11-24');
    await aPaidTopUp(1000);
    pay.corruptBillDownloads = true;
    await expect(new DailyReconciliation({ provider: 'wechatpay', statements: new WeChatPayBills(new WeChatPayClient(pay.config)), books: new ReconciliationBooks(t.db) }).reconcileDay('2026-11-24')).rejects.toThrow(/SHA1/);
  });

  it('runs a day again on request, for support and admins only, with a real date', async () => {
    const driver = (await t.login(uniqueId('driver'))).token;
    const operator = (await t.staffLogin(uniqueId('op'), 'operator')).token;
    await http.post('/api/v1/admin/reconciliation/runs').set('authorization', `Bearer ${driver}`).send({ date: '2026-11-20' }).expect(403);
    await http.post('/api/v1/admin/reconciliation/runs').set('authorization', `Bearer ${operator}`).send({ date: '2026-11-20' }).expect(403);
    for (const date of ['2026-13-01', '20261120', '2026-11-20; drop table']) {
      await http.post('/api/v1/admin/reconciliation/runs').set('authorization', `Bearer ${support}`).send({ date }).expect(400);
    }
    const { body } = await http.post('/api/v1/admin/reconciliation/runs').set('authorization', `Bearer ${support}`).send({ date: '2026-11-20' }).expect(202);
    expect(await env.client.workflow.getHandle(body.workflowId).result()).toMatchObject({ billDate: '2026-11-20', mismatches: 0 });
  });
});
