import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createPayscoreActivities } from '../../activities/payscore-activities';
import { Orders } from '../../db/orders';
import { PayscoreOrders } from '../../db/payscore-orders';
import { settleBill } from '../../domain/billing';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSessionInput } from '../../test/support/builders';
import { type FakeWeChatPay, startFakeWeChatPay } from '../../test/support/fake-wechat-pay';
import { aPayscoreDriver } from '../../test/support/payscore-sessions';
import { createTimeSkippingEnv, workflowBundle } from '../../test/support/temporal';
import { pendingPayscoreWorkflowId } from '../../workflows/pending-payscore.messages';
import { TemporalPendingPayscoreWatch } from './pending-payscore-watch';
import { WeChatPayscore } from './wechat-payscore';

/** A Payscore order whose notifications never come is queried by its watch workflow: cancelled if never confirmed, followed until paid. */
describe('the watch of a WeChat Pay Score order', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let payscore: WeChatPayscore;
  let orders: PayscoreOrders;
  const taskQueue = `payscore-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    orders = new PayscoreOrders(t.db);
    pay.notificationKnobs.drop = true;
  }, 120_000);

  // A time-skipping server per test: the watch's window starts at the order's creation (wall clock), and a server
  // whose time an earlier test skipped ahead would find every new window over at once.
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
    const watch = new TemporalPendingPayscoreWatch({ temporal: env.client, taskQueue });
    payscore = new WeChatPayscore({ db: t.db, orders, sessionOrders: new Orders(t.db), users: t.deps.users, config: pay.config, watch });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createPayscoreActivities({ payscore }) });
    running = worker.run();
  }, 120_000);

  afterEach(async () => {
    pay.payscoreAnswer = { state: 'DOING' };
    worker?.shutdown();
    await running;
    await env?.teardown();
  }, 60_000);

  afterAll(async () => {
    await pay?.close();
    await t?.stop();
  }, 60_000);

  /** A driver's session asks for its order; the order's watch starts with it. */
  const anOrder = async () => {
    const { userId } = await aPayscoreDriver(pay, t.deps.wechatUsers);
    const input = aSessionInput({ userId, paymentMode: 'payscore' });
    const decision = await payscore.authorize({ sessionId: input.sessionId, userId, limits: {}, policy: input.policy.preauth });
    const order = (await orders.bySession(input.sessionId))!;
    return { input, userId, decision, order, watch: env.client.workflow.getHandle(pendingPayscoreWorkflowId(order.outOrderNo)) };
  };

  it('cancels an order the driver never confirmed once its window has passed', async () => {
    pay.payscoreAnswer = { state: 'CREATED' };
    const { order, watch } = await anOrder();
    expect(await watch.result()).toBe('cancelled');
    expect(pay.serviceOrders.get(order.outOrderNo)).toMatchObject({ state: 'REVOKED', requests: expect.objectContaining({ cancel: 1 }) });
    expect(pay.serviceOrders.get(order.outOrderNo)!.requests.query).toBeGreaterThan(1);
  });

  it('leaves an order the driver confirmed late to its session, and follows it until WeChat Pay collected it', async () => {
    pay.payscoreAnswer = { state: 'CREATED' };
    const { input, userId, order, watch } = await anOrder();
    await pay.confirmServiceOrder(order.outOrderNo);
    await env.sleep(5 * 60_000);
    const { riskFen } = (await orders.bySession(input.sessionId))!;
    expect((await orders.bySession(input.sessionId))!.state).toBe('doing');
    const bill = settleBill({ lines: [], energyWh: 5_000, electricityFen: riskFen - 1, serviceFen: 1, energyFen: riskFen }, { minutes: 0, feeFen: 0 }, riskFen);
    await payscore.capture({ sessionId: input.sessionId, userId, pileId: input.pileId, stationId: input.stationId, bill });
    await pay.collectServiceOrder(order.outOrderNo);
    expect(await watch.result()).toBe('paid');
    expect(pay.serviceOrders.get(order.outOrderNo)!.requests.cancel).toBe(0);
    expect((await orders.bySession(input.sessionId))!.transactionId).toBe(pay.serviceOrders.get(order.outOrderNo)!.transactionId);
  });

  it('ends with the order a refusal declined, asking nothing', async () => {
    pay.payscoreAnswer = { refuse: 'USER_SCORE_NOT_ENOUGH' };
    const { decision, watch } = await anOrder();
    expect(decision).toMatchObject({ approved: false });
    expect(await watch.result()).toBe('declined');
  });
});
