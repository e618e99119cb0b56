import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTopUpActivities } from '../../activities/top-up-activities';
import { WeChatPayOrders } from '../../db/wechat-pay-orders';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../../test/support/fake-wechat-pay';
import { uniqueId } from '../../test/support/services';
import { createTimeSkippingEnv, workflowBundle } from '../../test/support/temporal';
import { pendingTopUpWorkflowId } from '../../workflows/pending-top-up.messages';
import { TemporalPendingTopUpWatch } from './pending-top-up-watch';
import { WeChatPayTopUps } from './wechat-pay-top-ups';

/** A top-up whose notification never comes is queried, credited or closed by its watch workflow; never left pending. */
describe('pending WeChat Pay top-ups', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let provider: WeChatPayTopUps;
  let orders: WeChatPayOrders;
  const taskQueue = `top-ups-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    env = await createTimeSkippingEnv();
    orders = new WeChatPayOrders(t.db);
    const watch = new TemporalPendingTopUpWatch({ temporal: env.client, taskQueue });
    provider = new WeChatPayTopUps({ orders, users: t.deps.users, config: pay.config, wallet: t.deps.wallet, watch });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createTopUpActivities({ topUps: provider }) });
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
    pay.beforeClose = undefined;
  });

  const aTopUp = async (amountFen: number) => {
    const userId = (await t.deps.wechatUsers.userFor(uniqueId('openid'))).id;
    const { topUp } = await provider.start({ userId, amountFen, idempotencyKey: uniqueId('key') });
    return { userId, outTradeNo: topUp.id, watch: env.client.workflow.getHandle(pendingTopUpWorkflowId(topUp.id)) };
  };
  const balance = async (userId: string) => (await t.deps.wallet.wallet(userId)).balanceFen;
  const statusOf = async (outTradeNo: string) => (await orders.byOutTradeNo(outTradeNo))!.status;

  it('places the order with an expiry WeChat Pay understands', async () => {
    const { outTradeNo } = await aTopUp(1000);
    const order = (await orders.byOutTradeNo(outTradeNo))!;
    expect(Date.parse(pay.orders.get(outTradeNo)!.timeExpire!)).toBe(Math.floor((order.createdAt.getTime() + 30 * 60_000) / 1000) * 1000);
  });

  it('credits a paid order whose notification never came, without closing it', async () => {
    const { userId, outTradeNo, watch } = await aTopUp(4200);
    pay.pay(outTradeNo);
    expect(await watch.result()).toBe('paid');
    expect(await balance(userId)).toBe(4200);
    expect(await statusOf(outTradeNo)).toBe('paid');
    expect(pay.orders.get(outTradeNo)).toMatchObject({ queries: 1, closeRequests: 0 });
  });

  it('closes an order nobody paid once it has expired', async () => {
    const { userId, outTradeNo, watch } = await aTopUp(3000);
    expect(await watch.result()).toBe('closed');
    expect(await statusOf(outTradeNo)).toBe('closed');
    expect(pay.orders.get(outTradeNo)).toMatchObject({ tradeState: 'CLOSED', closeRequests: 1 });
    expect(pay.orders.get(outTradeNo)!.queries).toBeGreaterThan(2);
    expect(await balance(userId)).toBe(0);
  });

  it('changes nothing when a notification of payment arrives after the order was closed', async () => {
    const { userId, outTradeNo, watch } = await aTopUp(3000);
    await watch.result();
    await provider.confirm(pay.notification(outTradeNo));
    expect(await statusOf(outTradeNo)).toBe('closed');
    expect(await balance(userId)).toBe(0);
  });

  it('credits an order paid at the moment it was being closed, which WeChat Pay refuses to close', async () => {
    const { userId, outTradeNo, watch } = await aTopUp(2500);
    pay.beforeClose = (closing) => pay.pay(closing);
    expect(await watch.result()).toBe('paid');
    expect(pay.orders.get(outTradeNo)).toMatchObject({ tradeState: 'SUCCESS', closeRequests: 1 });
    expect(await balance(userId)).toBe(2500);
  });

  it('ends without closing an order the notification settled, and credits it only once', async () => {
    const { userId, outTradeNo, watch } = await aTopUp(1800);
    pay.pay(outTradeNo);
    await provider.confirm(pay.notification(outTradeNo));
    expect(await watch.result()).toBe('paid');
    expect(pay.orders.get(outTradeNo)!.closeRequests).toBe(0);
    expect(await balance(userId)).toBe(1800);
  });

  it('refuses to take a closed order again under its idempotency key', async () => {
    const userId = (await t.deps.wechatUsers.userFor(uniqueId('openid'))).id;
    const key = uniqueId('key');
    const { topUp } = await provider.start({ userId, amountFen: 900, idempotencyKey: key });
    await env.client.workflow.getHandle(pendingTopUpWorkflowId(topUp.id)).result();
    await expect(provider.start({ userId, amountFen: 900, idempotencyKey: key })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
