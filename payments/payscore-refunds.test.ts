import { Orders } from '../db/orders';
import { PayscoreOrders } from '../db/payscore-orders';
import { SessionReviews } from '../db/session-reviews';
import { accountChange, accounts } from '../domain/ledger';
import { startTestApi, type TestApi } from '../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../test/support/fake-wechat-pay';
import { aSettledPayscoreSession } from '../test/support/payscore-sessions';
import { uniqueId } from '../test/support/services';
import { PayscoreRefunds } from './payscore-refunds';
import { RefundDesk } from './refunds';
import { WeChatPayClient } from './wechat-pay/client';
import { WeChatPayRefunds } from './wechat-pay/wechat-pay-refunds';
import { WeChatPayscore } from './wechat-pay/wechat-payscore';

/** Support refunds part of a Payscore-paid order (the review decision "adjust"): back to WeChat Pay, exactly once. */
describe('refunds of Payscore-paid orders', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let orders: PayscoreOrders;
  let payscore: WeChatPayscore;
  let reviews: SessionReviews;
  let desk: RefundDesk;
  let gateway: WeChatPayRefunds;
  const watched: string[] = [];

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    orders = new PayscoreOrders(t.db);
    payscore = new WeChatPayscore({ db: t.db, orders, sessionOrders: new Orders(t.db), users: t.deps.users, config: pay.config });
    reviews = new SessionReviews({ db: t.db, wallet: t.deps.wallet, payscore: { orders, refundWatch: { watch: async (no) => void watched.push(no) } } });
    gateway = new WeChatPayRefunds(new WeChatPayClient(pay.config));
    desk = new RefundDesk({ wallet: t.deps.wallet, gateways: {}, books: [new PayscoreRefunds({ orders, gateway })] });
  }, 60_000);

  afterAll(async () => {
    await pay?.close();
    await t?.stop();
  });

  const aSettledSession = (options: { collected: boolean }) => aSettledPayscoreSession({ t, pay, payscore, orders }, options);
  const adjust = (sessionId: string, refundFen: number) => reviews.decide({ sessionId, decision: 'adjust', refundFen, note: 'meter dispute', staff: { id: 'staff-1', name: 'Sam', role: 'support' } });

  it('refunds part of the order to the payment WeChat Pay collected, once under retries, and records the end', async () => {
    const { sessionId, bill, outOrderNo } = await aSettledSession({ collected: true });
    const refundFen = Math.floor(bill.capturedFen / 3);
    await adjust(sessionId, refundFen);
    await adjust(sessionId, refundFen);
    const refund = (await orders.refundOf(sessionId))!;
    expect(watched.filter((no) => no === refund.outRefundNo)).toHaveLength(2);
    expect(await desk.submit(refund.outRefundNo)).toBe('processing');
    expect(await desk.submit(refund.outRefundNo)).toBe('processing');
    const atWeChatPay = pay.refunds.get(refund.outRefundNo)!;
    expect(atWeChatPay).toMatchObject({ refund: refundFen, total: bill.capturedFen, transactionId: pay.serviceOrders.get(outOrderNo)!.transactionId, requests: 2 });
    expect([...pay.refunds.values()].filter((r) => r.transactionId === atWeChatPay.transactionId)).toHaveLength(1);
    pay.endRefund(refund.outRefundNo, 'SUCCESS');
    await gateway.confirm(pay.refundNotification(refund.outRefundNo), desk);
    expect((await orders.refundOf(sessionId))!.status).toBe('succeeded');
    expect(await desk.check(refund.outRefundNo)).toBe('succeeded');
    const journal = await t.db.models.LedgerEntry.findAll({ where: { outRefundNo: refund.outRefundNo }, order: [['id', 'ASC']] });
    const linesOf = (entryId: number) => t.db.models.LedgerLine.findAll({ where: { entryId }, raw: true });
    expect(journal.map((e) => e.kind)).toEqual(['order_refund', 'refund_paid']);
    expect(accountChange(await linesOf(journal[0].id), accounts.refundsPayable)).toBe(refundFen);
    expect(accountChange(await linesOf(journal[1].id), accounts.providerClearing('payscore'))).toBe(-refundFen);
  });

  it('leaves the driver’s wallet alone', async () => {
    const { sessionId, bill } = await aSettledSession({ collected: true });
    const userId = (await t.db.models.ChargingSession.findByPk(sessionId))!.userId;
    await adjust(sessionId, bill.capturedFen);
    expect(await t.deps.wallet.wallet(userId)).toMatchObject({ balanceFen: 0, heldFen: 0 });
  });

  it('waits to refund until WeChat Pay has collected the order', async () => {
    const { sessionId, outOrderNo } = await aSettledSession({ collected: false });
    await adjust(sessionId, 1);
    const refund = (await orders.refundOf(sessionId))!;
    await expect(desk.submit(refund.outRefundNo)).rejects.toThrow(/not collected/);
    pay.notificationKnobs.drop = true;
    await pay.collectServiceOrder(outOrderNo);
    await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: false });
    expect(await desk.submit(refund.outRefundNo)).toBe('processing');
  });

  it('shows support the order and its refund on the session page', async () => {
    const { sessionId, bill, outOrderNo } = await aSettledSession({ collected: true });
    await adjust(sessionId, 5);
    const { token } = await t.staffLogin(uniqueId('support'), 'support');
    const { body } = await t.http.get(`/api/v1/admin/sessions/${sessionId}`).set('authorization', `Bearer ${token}`).expect(200);
    expect(body.payment).toMatchObject({
      mode: 'payscore',
      hold: null,
      payscore: { outOrderNo, state: 'paid', totalFen: bill.capturedFen, refund: { outRefundNo: (await orders.refundOf(sessionId))!.outRefundNo, amountFen: 5, status: 'processing' } },
    });
  });

  it('refuses a second refund of another amount', async () => {
    const { sessionId } = await aSettledSession({ collected: true });
    await adjust(sessionId, 2);
    await expect(adjust(sessionId, 3)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
