import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createRefundActivities } from '../activities/refund-activities';
import { WeChatPayOrders } from '../db/wechat-pay-orders';
import { startTestApi, type TestApi } from '../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../test/support/fake-wechat-pay';
import { eventually } from '../test/support/live-client';
import { uniqueId } from '../test/support/services';
import { createTimeSkippingEnv, workflowBundle } from '../test/support/temporal';
import { refundWorkflowId } from '../workflows/refund.messages';
import { TemporalRefundWatch } from './refund-watch';
import { RefundDesk, sandboxRefunds } from './refunds';
import { WeChatPayClient } from './wechat-pay/client';
import { WeChatPayRefunds } from './wechat-pay/wechat-pay-refunds';
import { WeChatPayTopUps } from './wechat-pay/wechat-pay-top-ups';

/** A driver withdraws unused balance: refunded against their WeChat Pay top-ups, oldest first, each refund exactly once. */
describe('withdrawals of unused balance', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let topUps: WeChatPayTopUps;
  let http: ReturnType<TestApi['httpWith']>;
  const taskQueue = `refunds-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    env = await createTimeSkippingEnv();
    topUps = new WeChatPayTopUps({ orders: new WeChatPayOrders(t.db), users: t.deps.users, config: pay.config, wallet: t.deps.wallet });
    const wechatPay = new WeChatPayRefunds(new WeChatPayClient(pay.config));
    const desk = new RefundDesk({ wallet: t.deps.wallet, gateways: { wechatpay: wechatPay, sandbox: sandboxRefunds } });
    http = t.httpWith({ wechatPay: topUps, refunds: { desk, watch: new TemporalRefundWatch({ temporal: env.client, taskQueue }), wechatPay } });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createRefundActivities({ refunds: desk }) });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await pay?.close();
    await t?.stop();
  }, 60_000);

  afterEach(() => {
    pay.refundAnswer = 'PROCESSING';
  });

  /** A WeChat driver who topped up these amounts, in this order, each paid and notified. */
  const aDriverWhoToppedUp = async (...amounts: number[]) => {
    const user = await t.deps.wechatUsers.userFor(uniqueId('openid'));
    const transactions: string[] = [];
    for (const amountFen of amounts) {
      const { topUp } = await topUps.start({ userId: user.id, amountFen, idempotencyKey: uniqueId('key') });
      pay.pay(topUp.id);
      await topUps.confirm(pay.notification(topUp.id));
      transactions.push(pay.orders.get(topUp.id)!.transactionId!);
    }
    return { userId: user.id, token: t.deps.tokens.issue({ id: user.id, name: 'driver', role: 'driver' }), transactions };
  };
  const withdraw = (token: string, body: unknown, key = uniqueId('key')) => http.post('/api/v1/wallet/withdrawals').set('authorization', `Bearer ${token}`).set('idempotency-key', key).send(body as object);
  /** The refund as WeChat Pay received it, once its workflow has submitted it. */
  const submitted = async (outRefundNo: string) => (await eventually(async () => pay.refunds.get(outRefundNo), (refund) => refund !== undefined))!;
  const balance = async (userId: string) => (await t.deps.wallet.wallet(userId)).balanceFen;
  const refundOutcome = (outRefundNo: string) => env.client.workflow.getHandle(refundWorkflowId(outRefundNo)).result();
  const notifyRefund = (message: { headers: Record<string, string>; body: string }) => http.post('/api/v1/payments/wechat-pay/refund-notify').set(message.headers).set('content-type', 'application/json').send(message.body);

  it('refunds the oldest top-up first, then the next, and takes the amount out of the balance at once', async () => {
    const driver = await aDriverWhoToppedUp(5000, 3000);
    const { body } = await withdraw(driver.token, { amountFen: 6000 }).expect(201);
    expect(body.wallet.balanceFen).toBe(2000);
    expect(body.withdrawal.refunds.map((r: { amountFen: number; status: string }) => [r.amountFen, r.status])).toEqual([
      [5000, 'processing'],
      [1000, 'processing'],
    ]);
    const [first, second] = await Promise.all(body.withdrawal.refunds.map((r: { outRefundNo: string }) => submitted(r.outRefundNo)));
    expect(first).toMatchObject({ transactionId: driver.transactions[0], refund: 5000, total: 5000 });
    expect(second).toMatchObject({ transactionId: driver.transactions[1], refund: 1000, total: 3000 });
  });

  it('follows each refund until WeChat Pay says it succeeded', async () => {
    const driver = await aDriverWhoToppedUp(4000);
    const { body } = await withdraw(driver.token, { amountFen: 4000 }).expect(201);
    const { outRefundNo } = body.withdrawal.refunds[0];
    await submitted(outRefundNo);
    pay.endRefund(outRefundNo, 'SUCCESS');
    expect(await refundOutcome(outRefundNo)).toBe('succeeded');
    const listed = await http.get('/api/v1/wallet/withdrawals').set('authorization', `Bearer ${driver.token}`).expect(200);
    expect(listed.body.withdrawals[0].refunds[0]).toMatchObject({ outRefundNo, status: 'succeeded', settledAt: expect.any(String) });
    expect(await balance(driver.userId)).toBe(0);
  });

  it('answers a repeated request with the same withdrawal, and refunds once', async () => {
    const driver = await aDriverWhoToppedUp(3000);
    pay.refundAnswer = 'SUCCESS';
    const key = uniqueId('key');
    const first = await withdraw(driver.token, { amountFen: 1200 }, key).expect(201);
    const again = await withdraw(driver.token, { amountFen: 1200 }, key).expect(201);
    expect(again.body.withdrawal.id).toBe(first.body.withdrawal.id);
    const { outRefundNo } = first.body.withdrawal.refunds[0];
    expect(await refundOutcome(outRefundNo)).toBe('succeeded');
    expect(pay.refunds.get(outRefundNo)!.requests).toBe(1);
    expect([...pay.refunds.values()].filter((r) => r.transactionId === driver.transactions[0])).toHaveLength(1);
    expect(await balance(driver.userId)).toBe(1800);
  });

  it('puts the amount of a refund WeChat Pay closed back into the wallet, once', async () => {
    const driver = await aDriverWhoToppedUp(2500);
    const { body } = await withdraw(driver.token, { amountFen: 2500 }).expect(201);
    const { outRefundNo } = body.withdrawal.refunds[0];
    await submitted(outRefundNo);
    pay.endRefund(outRefundNo, 'CLOSED');
    expect(await refundOutcome(outRefundNo)).toBe('closed');
    await notifyRefund(pay.refundNotification(outRefundNo)).expect(204);
    expect(await balance(driver.userId)).toBe(2500);
    const entries = await t.deps.wallet.transactions(driver.userId, 10);
    expect(entries.filter((e) => e.kind === 'refund_reversal')).toHaveLength(1);
  });

  it('settles a refund from its notification, and refuses one whose amount differs', async () => {
    const driver = await aDriverWhoToppedUp(1500);
    const { body } = await withdraw(driver.token, { amountFen: 1500 }).expect(201);
    const { outRefundNo } = body.withdrawal.refunds[0];
    await submitted(outRefundNo);
    pay.endRefund(outRefundNo, 'SUCCESS');
    await notifyRefund(pay.refundNotification(outRefundNo, { refund: 15 })).expect(400);
    await notifyRefund(pay.refundNotification(outRefundNo)).expect(204);
    expect((await t.deps.wallet.refund(outRefundNo))!.refund.status).toBe('succeeded');
  });

  it('refuses a withdrawal larger than the balance, and takes nothing', async () => {
    const driver = await aDriverWhoToppedUp(1000);
    const { body } = await withdraw(driver.token, { amountFen: 1001 }).expect(402);
    expect(body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await balance(driver.userId)).toBe(1000);
  });

  it('refuses malformed amounts and unknown fields with a clear error', async () => {
    const driver = await aDriverWhoToppedUp(1000);
    for (const bad of [{ amountFen: 0 }, { amountFen: -5 }, { amountFen: 10.5 }, { amountFen: '100' }, { amountFen: 100, to: 'elsewhere' }, {}]) {
      const { body } = await withdraw(driver.token, bad).expect(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await balance(driver.userId)).toBe(1000);
  });

  it('refuses a withdrawal without a signed-in driver', async () => {
    await http.post('/api/v1/wallet/withdrawals').send({ amountFen: 100 }).expect(401);
  });
});
