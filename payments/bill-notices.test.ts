import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createBillNoticeActivities } from '../activities/bill-notice-activities';
import { Orders } from '../db/orders';
import { DEFAULT_BILL_TEMPLATE_FIELDS, billNoticeData } from '../domain/bill-notice';
import { WeChatSubscribeMessages } from '../infra/wechat/subscribe-message';
import { startTestApi, type TestApi } from '../test/support/api-harness';
import { aSession, aStation } from '../test/support/driver-data';
import { FAKE_APP_ID, FAKE_APP_SECRET, type FakeWeChat, startFakeWeChat } from '../test/support/fake-wechat';
import { uniqueId } from '../test/support/services';
import { createTimeSkippingEnv, workflowBundle } from '../test/support/temporal';
import { billNoticeWorkflowId } from '../workflows/bill-notice.messages';
import { TemporalBillNoticeQueue, WeChatBillNotices } from './bill-notices';

const TEMPLATE_ID = 'bill-template-0123456789';

/** A settled session's bill reaches its driver as a WeChat subscribe message, retried apart from settlement. */
describe('bill notices', () => {
  let t: TestApi;
  let wechat: FakeWeChat;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let queue: TemporalBillNoticeQueue;
  let station: Awaited<ReturnType<typeof aStation>>;
  const taskQueue = `bills-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApi();
    wechat = await startFakeWeChat();
    env = await createTimeSkippingEnv();
    const messenger = new WeChatSubscribeMessages({ apiBase: wechat.apiBase, appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET }, TEMPLATE_ID);
    const bills = new WeChatBillNotices({ db: t.db, messenger, fields: DEFAULT_BILL_TEMPLATE_FIELDS });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createBillNoticeActivities({ bills }) });
    running = worker.run();
    queue = new TemporalBillNoticeQueue({ temporal: env.client, taskQueue });
    station = await aStation(t, { name: '科技园快充站' });
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await wechat?.close();
    await t?.stop();
  }, 60_000);

  afterEach(() => {
    wechat.subscribeErrors = [];
  });

  /** A session settled for a driver (signed in with WeChat unless said otherwise), with its order. */
  const aSettledSession = async (options: { withWeChat?: boolean } = {}) => {
    const openId = uniqueId('openid');
    const userId = options.withWeChat === false ? (await t.login(uniqueId('dev-driver'))).userId : (await t.deps.wechatUsers.userFor(openId)).id;
    const session = await aSession(t, { userId, stationId: station.stationId, pileId: station.pileIds[0] }, { energyWh: 23_405 });
    await t.db.transaction((transaction) => new Orders(t.db).record({ sessionId: session.id, userId, pileId: station.pileIds[0], stationId: station.stationId, bill: session.bill! }, transaction));
    return { sessionId: session.id, openId, session };
  };
  const outcome = (sessionId: string) => env.client.workflow.getHandle(billNoticeWorkflowId(sessionId)).result();
  const messagesTo = (openId: string) => wechat.subscribeMessages.filter((m) => m.touser === openId);

  it('sends the driver the bill of a settled session, opening its order', async () => {
    const { sessionId, openId, session } = await aSettledSession();
    await queue.enqueue(sessionId);
    expect(await outcome(sessionId)).toBe('sent');
    const [order] = await new Orders(t.db).ofSession(sessionId);
    const expected = billNoticeData(
      { sessionId, stationName: '科技园快充站', energyWh: 23_405, totalFen: order.totalFen, settledAtMs: order.createdAt.getTime(), utcOffsetMinutes: session.tariff.utcOffsetMinutes },
      DEFAULT_BILL_TEMPLATE_FIELDS,
    );
    expect(messagesTo(openId)).toEqual([
      { touser: openId, template_id: TEMPLATE_ID, page: `pages/order/detail/index?id=${sessionId}`, data: Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, { value: v }])) },
    ]);
    expect(expected.character_string2).toBe('23.405kWh');
  });

  it('is sent once, however often settlement hands it over', async () => {
    const { sessionId, openId } = await aSettledSession();
    await queue.enqueue(sessionId);
    await outcome(sessionId);
    await queue.enqueue(sessionId);
    expect(messagesTo(openId)).toHaveLength(1);
  });

  it('is tried again while WeChat fails', async () => {
    const { sessionId, openId } = await aSettledSession();
    wechat.subscribeErrors = [-1, 45009];
    await queue.enqueue(sessionId);
    expect(await outcome(sessionId)).toBe('sent');
    expect(messagesTo(openId)).toHaveLength(1);
  });

  it('is not pressed on a driver who did not subscribe', async () => {
    const { sessionId, openId } = await aSettledSession();
    wechat.subscribeErrors = [43101];
    await queue.enqueue(sessionId);
    expect(await outcome(sessionId)).toBe('skipped: the driver did not subscribe to bill messages');
    expect(messagesTo(openId)).toHaveLength(0);
  });

  it('skips a driver who never signed in with WeChat', async () => {
    const { sessionId } = await aSettledSession({ withWeChat: false });
    await queue.enqueue(sessionId);
    expect(await outcome(sessionId)).toBe('skipped: the driver has no WeChat openid');
  });
});
