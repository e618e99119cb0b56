import fc from 'fast-check';
import { Orders } from '../../db/orders';
import { PayscoreOrders } from '../../db/payscore-orders';
import { SequelizeSessionStore } from '../../db/session-store';
import { type Bill, settleBill } from '../../domain/billing';
import { accountChange, accounts } from '../../domain/ledger';
import { postPaymentsOf } from '../../domain/payscore';
import { wantedHoldFen } from '../../domain/preauthorization';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSessionInput } from '../../test/support/builders';
import { type FakeWeChatPay, startFakeWeChatPay } from '../../test/support/fake-wechat-pay';
import { aPayscoreDriver } from '../../test/support/payscore-sessions';
import { uniqueId } from '../../test/support/services';
import { tamperedNotifications } from '../../test/support/tampered-notifications';
import { PAYSCORE_CONFIRM_WINDOW_MS, WeChatPayscore } from './wechat-payscore';

/** WeChat Pay Score as the payment of a session, against the fake WeChat Pay (signatures, amounts and states checked there). */
describe('WeChat Pay Score session payments', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let orders: PayscoreOrders;
  let payscore: WeChatPayscore;
  const watched: { outOrderNo: string; expiresAtMs: number }[] = [];

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    orders = new PayscoreOrders(t.db);
    payscore = new WeChatPayscore({
      db: t.db,
      orders,
      sessionOrders: new Orders(t.db),
      users: t.deps.users,
      config: pay.config,
      watch: { watch: async (order) => void watched.push(order) },
    });
  }, 60_000);

  afterAll(async () => {
    await pay?.close();
    await t?.stop();
  });

  afterEach(() => {
    pay.payscoreAnswer = { state: 'DOING' };
    pay.payscoreFailures = { create: 0, complete: 0, cancel: 0 };
    pay.notificationKnobs = { hold: false, duplicate: false, reverse: false, drop: false };
    pay.heldNotifications.splice(0);
    pay.deliver = undefined;
  });

  /** A session opened to pay with Payscore by a driver signed in with WeChat who enabled Payscore for our service. */
  const aPayscoreSession = async (limits = {}) => {
    const { userId } = await aPayscoreDriver(pay, t.deps.wechatUsers);
    const input = aSessionInput({ userId, limits, paymentMode: 'payscore' });
    await new SequelizeSessionStore(t.db).open({ ...input, workflowId: `wf-${input.sessionId}`, status: 'AUTHORIZING', at: Date.now() });
    const request = { sessionId: input.sessionId, userId, limits: input.limits, policy: input.policy.preauth };
    const identity = { sessionId: input.sessionId, userId, pileId: input.pileId, stationId: input.stationId };
    return { input, request, identity };
  };
  /** The journal entries of a session, with their lines. */
  const journalOf = async (sessionId: string) => {
    const entries = await t.db.models.LedgerEntry.findAll({ where: { sessionId }, order: [['id', 'ASC']] });
    return Promise.all(entries.map(async (e) => ({ kind: e.kind, lines: await t.db.models.LedgerLine.findAll({ where: { entryId: e.id }, raw: true }) })));
  };
  const outOrderNoOf = async (sessionId: string) => (await orders.bySession(sessionId))!.outOrderNo;
  /** A bill of the session's risk amount with energy and an idle fee. */
  const aBill = (riskFen: number, totalFen: number): Bill => {
    const idleFen = Math.floor(totalFen / 10);
    const electricityFen = Math.floor((totalFen - idleFen) / 2);
    const serviceFen = totalFen - idleFen - electricityFen;
    return settleBill({ lines: [], energyWh: 12_345, electricityFen, serviceFen, energyFen: electricityFen + serviceFen }, { minutes: 7, feeFen: idleFen }, riskFen);
  };

  it('creates the order with the pre-authorization as its risk amount, and approves that amount', async () => {
    const { request } = await aPayscoreSession({ maxAmountFen: 3_000 });
    const decision = await payscore.authorize(request);
    const riskFen = wantedHoldFen(request.limits, request.policy);
    expect(decision).toEqual({ approved: true, holdFen: riskFen });
    const outOrderNo = await outOrderNoOf(request.sessionId);
    expect(pay.serviceOrders.get(outOrderNo)).toMatchObject({ riskFen, state: 'DOING' });
    expect((await orders.bySession(request.sessionId))!.state).toBe('doing');
  });

  it('hands every order to its watch, with the confirmation window as its expiry', async () => {
    const { request } = await aPayscoreSession();
    await payscore.authorize(request);
    const order = (await orders.bySession(request.sessionId))!;
    expect(watched).toContainEqual({ outOrderNo: order.outOrderNo, expiresAtMs: order.createdAt.getTime() + PAYSCORE_CONFIRM_WINDOW_MS });
  });

  it('answers a retried authorization from its record: one order, asked for once', async () => {
    const { request } = await aPayscoreSession();
    const first = await payscore.authorize(request);
    expect(await payscore.authorize(request)).toEqual(first);
    expect(pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!.requests.create).toBe(1);
  });

  it('creates the same order once when WeChat Pay failed the first request', async () => {
    const { request } = await aPayscoreSession();
    pay.payscoreFailures.create = 1;
    await expect(payscore.authorize(request)).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(await payscore.authorize(request)).toMatchObject({ approved: true });
    expect(pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!.requests.create).toBe(1);
  });

  it('declines when WeChat Pay Score refuses the order, saying why', async () => {
    const { request } = await aPayscoreSession();
    pay.payscoreAnswer = { refuse: 'USER_SCORE_NOT_ENOUGH' };
    const decision = await payscore.authorize(request);
    expect(decision).toEqual({ approved: false, refusedBy: 'payscore', reason: expect.stringContaining('USER_SCORE_NOT_ENOUGH') });
    expect((await orders.bySession(request.sessionId))!.state).toBe('declined');
  });

  it('declines when WeChat Pay refuses an order without confirmation for a driver who has not enabled Payscore', async () => {
    const { request } = await aPayscoreSession();
    const { wechatOpenId } = (await t.deps.users.byId(request.userId))!;
    pay.permissions.delete(wechatOpenId!);
    const decision = await payscore.authorize(request);
    expect(decision).toMatchObject({ approved: false, refusedBy: 'payscore' });
    expect(pay.serviceOrders.has(await outOrderNoOf(request.sessionId))).toBe(false);
  });

  it('declines a driver who has not signed in with WeChat, without asking WeChat Pay', async () => {
    const { userId } = await t.login(uniqueId('dev'));
    const input = aSessionInput({ userId, paymentMode: 'payscore' });
    await new SequelizeSessionStore(t.db).open({ ...input, workflowId: `wf-${input.sessionId}`, status: 'AUTHORIZING', at: Date.now() });
    const decision = await payscore.authorize({ sessionId: input.sessionId, userId, limits: {}, policy: input.policy.preauth });
    expect(decision).toMatchObject({ approved: false, refusedBy: 'payscore' });
    expect(pay.serviceOrders.has(await outOrderNoOf(input.sessionId))).toBe(false);
  });

  it('declines an order WeChat Pay holds for the driver to confirm, and cancels it on release', async () => {
    const { request } = await aPayscoreSession();
    pay.payscoreAnswer = { state: 'CREATED' };
    expect(await payscore.authorize(request)).toMatchObject({ approved: false, refusedBy: 'payscore' });
    await payscore.release(request.sessionId);
    expect(pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!.state).toBe('REVOKED');
    expect((await orders.bySession(request.sessionId))!.state).toBe('cancelled');
  });

  it('completes the order with the exact bill by component, and writes the session order once under retries', async () => {
    const { request, identity } = await aPayscoreSession();
    const { holdFen } = (await payscore.authorize(request)) as { holdFen: number };
    const bill = aBill(holdFen, holdFen - 1);
    pay.payscoreFailures.complete = 1;
    await expect(payscore.capture({ ...identity, bill })).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    await payscore.capture({ ...identity, bill });
    await payscore.capture({ ...identity, bill });
    const completed = pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!;
    expect(completed).toMatchObject({ state: 'DOING', stateDescription: 'MCH_COMPLETE', totalFen: bill.capturedFen });
    expect(completed.postPayments).toEqual(postPaymentsOf(bill));
    expect(await new Orders(t.db).ofSession(request.sessionId)).toEqual([expect.objectContaining({ capturedFen: bill.capturedFen, releasedFen: bill.releasedFen })]);
    expect((await orders.bySession(request.sessionId))!).toMatchObject({ state: 'completed', totalFen: bill.capturedFen });
  });

  it('posts the completed bill to the journal once: WeChat Pay Score owes what it collects, revenue by component', async () => {
    const { request, identity } = await aPayscoreSession();
    const { holdFen } = (await payscore.authorize(request)) as { holdFen: number };
    const bill = aBill(holdFen, holdFen + 7);
    await payscore.capture({ ...identity, bill });
    await payscore.capture({ ...identity, bill });
    const entries = await journalOf(request.sessionId);
    expect(entries.map((e) => e.kind)).toEqual(['provider_capture']);
    const { lines } = entries[0];
    expect(accountChange(lines, accounts.providerClearing('payscore'))).toBe(bill.capturedFen);
    expect(accountChange(lines, accounts.uncollectedDebt)).toBe(bill.uncollectedFen);
    expect([accounts.revenueElectricity, accounts.revenueService, accounts.revenueIdle].map((a) => accountChange(lines, a))).toEqual([bill.electricityFen, bill.serviceFen, bill.idleFeeFen]);
  });

  it('posts nothing for an order it cancelled', async () => {
    const { request } = await aPayscoreSession();
    await payscore.authorize(request);
    await payscore.release(request.sessionId);
    expect(await journalOf(request.sessionId)).toEqual([]);
  });

  it('takes at most the risk amount from a bill above it, leaving the rest uncollected', async () => {
    const { request, identity } = await aPayscoreSession();
    const { holdFen } = (await payscore.authorize(request)) as { holdFen: number };
    const bill = aBill(holdFen, holdFen * 2);
    await payscore.capture({ ...identity, bill });
    expect(pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!.totalFen).toBe(holdFen);
    expect(bill.uncollectedFen).toBe(holdFen);
  });

  it('cancels instead of completing when the bill is nothing', async () => {
    const { request, identity } = await aPayscoreSession();
    const { holdFen } = (await payscore.authorize(request)) as { holdFen: number };
    await payscore.capture({ ...identity, bill: aBill(holdFen, 0) });
    expect(pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!.state).toBe('REVOKED');
    expect(await new Orders(t.db).ofSession(request.sessionId)).toHaveLength(1);
  });

  it('refuses a bill that is not of the order’s risk amount', async () => {
    const { request, identity } = await aPayscoreSession();
    const { holdFen } = (await payscore.authorize(request)) as { holdFen: number };
    await expect(payscore.capture({ ...identity, bill: aBill(holdFen + 1, holdFen) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(pay.serviceOrders.get(await outOrderNoOf(request.sessionId))!.requests.complete).toBe(0);
  });

  it('cancels on release, and a release after completion changes nothing', async () => {
    const released = await aPayscoreSession();
    await payscore.authorize(released.request);
    await payscore.release(released.request.sessionId);
    await payscore.release(released.request.sessionId);
    const cancelled = pay.serviceOrders.get(await outOrderNoOf(released.request.sessionId))!;
    expect(cancelled).toMatchObject({ state: 'REVOKED', requests: expect.objectContaining({ cancel: 1 }) });

    const completed = await aPayscoreSession();
    const { holdFen } = (await payscore.authorize(completed.request)) as { holdFen: number };
    await payscore.capture({ ...completed.identity, bill: aBill(holdFen, holdFen) });
    await payscore.release(completed.request.sessionId);
    expect(pay.serviceOrders.get(await outOrderNoOf(completed.request.sessionId))!).toMatchObject({ stateDescription: 'MCH_COMPLETE', requests: expect.objectContaining({ cancel: 0 }) });
  });

  describe('notifications', () => {
    const completedSession = async () => {
      const session = await aPayscoreSession();
      const { holdFen } = (await payscore.authorize(session.request)) as { holdFen: number };
      const bill = aBill(holdFen, holdFen - 1);
      await payscore.capture({ ...session.identity, bill });
      return { ...session, bill, outOrderNo: await outOrderNoOf(session.request.sessionId) };
    };

    it('records the payment WeChat Pay collected, with its transaction, from the signed notification', async () => {
      const { request, bill, outOrderNo } = await completedSession();
      pay.deliver = (n) => payscore.confirm(n);
      await pay.collectServiceOrder(outOrderNo);
      expect(await orders.bySession(request.sessionId)).toMatchObject({ state: 'paid', totalFen: bill.capturedFen, transactionId: pay.serviceOrders.get(outOrderNo)!.transactionId });
    });

    it('changes nothing when a notification comes twice', async () => {
      const { request, outOrderNo } = await completedSession();
      const seen: string[] = [];
      pay.deliver = async (n) => {
        await payscore.confirm(n);
        seen.push((await orders.bySession(request.sessionId))!.updatedAt.toISOString());
      };
      pay.notificationKnobs.duplicate = true;
      await pay.collectServiceOrder(outOrderNo);
      expect(seen).toHaveLength(2);
      expect(seen[1]).toBe(seen[0]);
    });

    it('changes nothing when an older notification arrives after a newer one', async () => {
      const { request, identity } = await aPayscoreSession();
      pay.payscoreAnswer = { state: 'CREATED' };
      await payscore.authorize(request);
      const outOrderNo = await outOrderNoOf(request.sessionId);
      pay.notificationKnobs = { hold: true, duplicate: false, reverse: true, drop: false };
      await pay.confirmServiceOrder(outOrderNo);
      expect(await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: false })).toBe('pending');
      const { riskFen } = (await orders.bySession(request.sessionId))!;
      await payscore.capture({ ...identity, bill: aBill(riskFen, riskFen) });
      await pay.collectServiceOrder(outOrderNo);
      expect(pay.heldNotifications.map((n) => JSON.parse(n.body).event_type)).toEqual(['PAYSCORE.USER_CONFIRM', 'PAYSCORE.USER_PAID']);
      const delivered: string[] = [];
      pay.deliver = async (n) => {
        delivered.push(JSON.parse(n.body).event_type);
        await payscore.confirm(n);
      };
      await pay.flushNotifications();
      expect(delivered).toEqual(['PAYSCORE.USER_PAID', 'PAYSCORE.USER_CONFIRM']);
      expect(await orders.bySession(request.sessionId)).toMatchObject({ state: 'paid', transactionId: pay.serviceOrders.get(outOrderNo)!.transactionId });
    });

    it('refuses a notification not signed by WeChat Pay', async () => {
      const { outOrderNo } = await completedSession();
      pay.notificationKnobs.hold = true;
      await pay.collectServiceOrder(outOrderNo);
      const [notification] = pay.heldNotifications;
      const tampered = { ...notification, body: notification.body.replace('"event_type":"PAYSCORE.USER_PAID"', '"event_type":"PAYSCORE.USER_PAlD"') };
      await expect(payscore.confirm(tampered)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('the notify route', () => {
    const notify = (message: { headers: Record<string, string>; body: string }) =>
      t.httpWith({ payscore }).post('/api/v1/payments/wechat-pay/payscore-notify').set(message.headers).set('content-type', 'application/json').send(message.body);

    /** An order waiting for the driver, who confirms it in WeChat: WeChat Pay's notification of that, held back. */
    const aHeldConfirmation = async () => {
      const { request } = await aPayscoreSession();
      pay.payscoreAnswer = { state: 'CREATED' };
      await payscore.authorize(request);
      pay.notificationKnobs.hold = true;
      await pay.confirmServiceOrder(await outOrderNoOf(request.sessionId));
      return { sessionId: request.sessionId, notification: pay.heldNotifications[0] };
    };

    it('takes a signed notification (204) and records it', async () => {
      const { sessionId, notification } = await aHeldConfirmation();
      await notify(notification).expect(204);
      expect((await orders.bySession(sessionId))!.state).toBe('doing');
    });

    it('refuses generated headers and bodies with a 4xx and records nothing', async () => {
      const { sessionId, notification: genuine } = await aHeldConfirmation();
      const tampered = tamperedNotifications(genuine);
      await fc.assert(
        fc.asyncProperty(tampered, async (message) => {
          const answer = await notify(message);
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(answer.body).toHaveProperty('error');
        }),
        { numRuns: 200 },
      );
      expect((await orders.bySession(sessionId))!.state).toBe('created');
    });
  });

  describe('the watch of an order no notification settled', () => {
    it('learns by asking that WeChat Pay collected a completed order whose notification was lost', async () => {
      const { request } = await aPayscoreSession();
      const { holdFen } = (await payscore.authorize(request)) as { holdFen: number };
      const identity = { sessionId: request.sessionId, userId: request.userId, pileId: 'p', stationId: 's' };
      await payscore.capture({ ...identity, bill: aBill(holdFen, holdFen) });
      const outOrderNo = await outOrderNoOf(request.sessionId);
      pay.notificationKnobs.drop = true;
      await pay.collectServiceOrder(outOrderNo);
      expect(await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: false })).toBe('paid');
      expect((await orders.bySession(request.sessionId))!.transactionId).toBe(pay.serviceOrders.get(outOrderNo)!.transactionId);
    });

    it('leaves an order the driver has not confirmed while its window lasts, and cancels it after', async () => {
      const { request } = await aPayscoreSession();
      pay.payscoreAnswer = { state: 'CREATED' };
      await payscore.authorize(request);
      const outOrderNo = await outOrderNoOf(request.sessionId);
      expect(await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: false })).toBe('pending');
      expect(await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: true })).toBe('cancelled');
      expect(pay.serviceOrders.get(outOrderNo)!.state).toBe('REVOKED');
    });

    it('cancels an order whose creation was never answered, once its window has passed', async () => {
      const { request } = await aPayscoreSession();
      pay.payscoreFailures.create = 1;
      await expect(payscore.authorize(request)).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
      const outOrderNo = await outOrderNoOf(request.sessionId);
      expect(await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: true })).toBe('cancelled');
      expect(await payscore.authorize(request)).toMatchObject({ approved: false, refusedBy: 'payscore' });
      expect(pay.serviceOrders.has(outOrderNo)).toBe(false);
    });

    it('leaves an order in service to its session', async () => {
      const { request } = await aPayscoreSession();
      await payscore.authorize(request);
      const outOrderNo = await outOrderNoOf(request.sessionId);
      expect(await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: true })).toBe('pending');
      expect(pay.serviceOrders.get(outOrderNo)!).toMatchObject({ state: 'DOING', requests: expect.objectContaining({ cancel: 0 }) });
    });
  });
});
