import { WeChatPayOrders } from '../../db/wechat-pay-orders';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../../test/support/fake-wechat-pay';
import { uniqueId } from '../../test/support/services';
import { SandboxTopUps } from '../top-ups';
import { verifyLines } from './signatures';
import { WeChatPayTopUps } from './wechat-pay-top-ups';

describe('top-ups through WeChat Pay (JSAPI)', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let provider: WeChatPayTopUps;
  let orders: WeChatPayOrders;
  let notify: (message: { headers: Record<string, string>; body: string }) => ReturnType<TestApi['http']['post']>;

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    orders = new WeChatPayOrders(t.db);
    provider = new WeChatPayTopUps({ orders, users: t.deps.users, config: pay.config, wallet: t.deps.wallet });
    const http = t.httpWith({ wechatPay: provider });
    notify = ({ headers, body }) => http.post('/api/v1/payments/wechat-pay/notify').set(headers).set('content-type', 'application/json').send(body);
  });
  afterAll(async () => {
    await pay.close();
    await t.stop();
  });

  const aWeChatDriver = async () => (await t.deps.wechatUsers.userFor(uniqueId('openid'))).id;
  const balance = async (userId: string) => (await t.deps.wallet.wallet(userId)).balanceFen;

  it('places the order and gives the mini-program parameters signed with the merchant key', async () => {
    const userId = await aWeChatDriver();
    const { topUp, payment } = await provider.start({ userId, amountFen: 5000, idempotencyKey: uniqueId('key') });
    expect(topUp).toMatchObject({ amountFen: 5000, status: 'pending', provider: 'wechatpay' });
    expect(pay.orders.get(topUp.id)).toMatchObject({ total: 5000 });
    expect(payment!.package).toBe(`prepay_id=${pay.orders.get(topUp.id)!.prepayId}`);
    expect(verifyLines(pay.merchantPublicKeyPem, [pay.config.appId, payment!.timeStamp, payment!.nonceStr, payment!.package], payment!.paySign)).toBe(true);
  });

  it('answers a repeated request with the same order', async () => {
    const userId = await aWeChatDriver();
    const key = uniqueId('key');
    const first = await provider.start({ userId, amountFen: 3000, idempotencyKey: key });
    const again = await provider.start({ userId, amountFen: 3000, idempotencyKey: key });
    expect(again.topUp.id).toBe(first.topUp.id);
    expect(again.payment!.package).toBe(first.payment!.package);
  });

  it('credits the wallet once, however often WeChat Pay repeats the notification', async () => {
    const userId = await aWeChatDriver();
    const { topUp } = await provider.start({ userId, amountFen: 8800, idempotencyKey: uniqueId('key') });
    const message = pay.notification(topUp.id);
    await notify(message).expect(204);
    await notify(message).expect(204);
    await notify(pay.notification(topUp.id)).expect(204);
    expect(await balance(userId)).toBe(8800);
    expect((await orders.byOutTradeNo(topUp.id))!.status).toBe('paid');
  });

  it('refuses a notification with a forged signature and credits nothing', async () => {
    const userId = await aWeChatDriver();
    const { topUp } = await provider.start({ userId, amountFen: 2000, idempotencyKey: uniqueId('key') });
    await notify(pay.notification(topUp.id, { forged: true })).expect(401);
    expect(await balance(userId)).toBe(0);
  });

  it('refuses a replayed notification signed more than five minutes ago', async () => {
    const userId = await aWeChatDriver();
    const { topUp } = await provider.start({ userId, amountFen: 2000, idempotencyKey: uniqueId('key') });
    await notify(pay.notification(topUp.id, { timestampMs: Date.now() - 6 * 60_000 })).expect(401);
    expect(await balance(userId)).toBe(0);
  });

  it('refuses a notification whose amount differs from the order and credits nothing', async () => {
    const userId = await aWeChatDriver();
    const { topUp } = await provider.start({ userId, amountFen: 2000, idempotencyKey: uniqueId('key') });
    await notify(pay.notification(topUp.id, { total: 200000 })).expect(400);
    expect(await balance(userId)).toBe(0);
  });

  it('records a closed payment as failed and credits nothing', async () => {
    const userId = await aWeChatDriver();
    const { topUp } = await provider.start({ userId, amountFen: 2000, idempotencyKey: uniqueId('key') });
    await notify(pay.notification(topUp.id, { tradeState: 'CLOSED' })).expect(204);
    expect(await balance(userId)).toBe(0);
    expect((await orders.byOutTradeNo(topUp.id))!.status).toBe('failed');
  });

  it('asks for a WeChat sign-in before paying with WeChat Pay', async () => {
    const { userId } = await t.login('pay-dev-driver');
    await expect(provider.start({ userId, amountFen: 2000, idempotencyKey: uniqueId('key') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers 404 to notifications when WeChat Pay is not configured', async () => {
    await t.http.post('/api/v1/payments/wechat-pay/notify').send({}).expect(404);
  });
});

describe('sandbox top-ups', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.stop());

  it('succeed at once, without a payment step, once per key', async () => {
    const { userId } = await t.login('sandbox-driver');
    const sandbox = new SandboxTopUps(t.deps.wallet);
    const first = await sandbox.start({ userId, amountFen: 1000, idempotencyKey: `${userId}:k1` });
    await sandbox.start({ userId, amountFen: 1000, idempotencyKey: `${userId}:k1` });
    expect(first).toEqual({ topUp: expect.objectContaining({ status: 'succeeded', provider: 'sandbox', amountFen: 1000 }) });
    expect((await t.deps.wallet.wallet(userId)).balanceFen).toBe(1000);
  });
});
