import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createReconciliationActivities } from '../activities/reconciliation-activities';
import { createRefundActivities } from '../activities/refund-activities';
import { ReconciliationBooks } from '../db/reconciliation';
import { WeChatPayOrders } from '../db/wechat-pay-orders';
import { startTestApi, type TestApi } from '../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../test/support/fake-wechat-pay';
import { eventually } from '../test/support/live-client';
import { uniqueId } from '../test/support/services';
import { createTimeSkippingEnv, workflowBundle } from '../test/support/temporal';
import { reconcilePayments } from '../workflows/reconciliation';
import { refundWorkflowId } from '../workflows/refund.messages';
import { DailyReconciliation } from './reconciliation';
import { TemporalReconciliationRuns } from './reconciliation-runs';
import { TemporalRefundWatch } from './refund-watch';
import { RefundDesk } from './refunds';
import { WeChatPayBills } from './wechat-pay/wechat-pay-bills';
import { WeChatPayClient } from './wechat-pay/client';
import { WeChatPayRefunds } from './wechat-pay/wechat-pay-refunds';
import { WeChatPayTopUps } from './wechat-pay/wechat-pay-top-ups';

/** Each day, WeChat Pay's trade bill against our books, line by line; what disagrees waits for support. */
describe('reconciliation with WeChat Pay', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let topUps: WeChatPayTopUps;
  let http: ReturnType<TestApi['httpWith']>;
  let support: string;
  const taskQueue = `reconciliation-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    env = await createTimeSkippingEnv();
    const client = new WeChatPayClient(pay.config);
    topUps = new WeChatPayTopUps({ orders: new WeChatPayOrders(t.db), users: t.deps.users, config: pay.config, wallet: t.deps.wallet });
    const refunds = new WeChatPayRefunds(client);
    const desk = new RefundDesk({ wallet: t.deps.wallet, gateways: { wechatpay: refunds } });
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
      refunds: { desk, watch: new TemporalRefundWatch({ temporal: env.client, taskQueue }), wechatPay: refunds },
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
  const aSucceededWithdrawal = async (driver: { token: string }, amountFen: number) => {
    const { body } = await http.post('/api/v1/wallet/withdrawals').set('authorization', `Bearer ${driver.token}`).send({ amountFen }).expect(201);
    const { outRefundNo } = body.withdrawal.refunds[0];
    await eventually(async () => pay.refunds.get(outRefundNo), (r) => r !== undefined);
    pay.endRefund(outRefundNo, 'SUCCESS');
    await env.client.workflow.getHandle(refundWorkflowId(outRefundNo)).result();
    return outRefundNo;
  };
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
