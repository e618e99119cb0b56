import { type ConsoleBrowser, byTestId, createStaffAccount, launchConsoleBrowser, openMenu, reviewFlaggedSession, screenshot, scriptErrors, signIn, signOut } from '../support/browser';
import { eventually } from '../support/live-client';
import { uniqueId } from '../support/services';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const ADMIN_PASSWORD = 'first-admin-password-for-tests';

describe('abnormal-order review in the console', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    t = await startTestSystem('embedded', {
      STAFF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AUTH_DEV_LOGIN_STAFF: 'true',
      SIM_TELEMETRY_INTERVAL_MS: '100',
      CHECKPOINT_INTERVAL_SECONDS: '1',
      STOP_ACK_TIMEOUT_SECONDS: '2',
    });
    await Promise.all(t.system.fleet!.pileIds.map((code) => eventually(() => t.call('GET', `/api/v1/piles/${code}`), (r) => r.body.pile?.status === 'idle')));
    browser = await launchConsoleBrowser(t.api);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** A driver's real session on a simulated pile, stopped by an operator (so flagged for review) and settled from the wallet. */
  async function aSessionStoppedByStaff(driver: string) {
    await t.call('POST', '/api/v1/wallet/top-ups', { token: driver, body: { amountFen: 3000 } });
    const started = await t.call('POST', '/api/v1/sessions', { token: driver, body: { pileCode: t.takePile('fast'), limits: {} } });
    expect(started.status).toBe(201);
    const id: string = started.body.sessionId;
    await eventually(() => t.call('GET', `/api/v1/sessions/${id}`, { token: driver }), (r) => r.body.status === 'CHARGING' && r.body.energyWh >= 200);
    const operator = await t.login('stopping-operator', 'operator');
    expect((await t.call('POST', `/api/v1/sessions/${id}/stop`, { token: operator, body: { reason: 'cable reported damaged on site' } })).status).toBe(200);
    const done = await eventually(() => t.call('GET', `/api/v1/sessions/${id}`, { token: driver }), (r) => r.body.status === 'COMPLETED', 30_000);
    expect(done.body).toMatchObject({ needsReview: true, endReason: 'STAFF_STOPPED' });
    return { id, capturedFen: done.body.bill.capturedFen as number };
  }

  it('lets an operator find a flagged session and refund part of it; the driver sees the refund in the wallet and the order', async () => {
    const driver = await t.login(uniqueId('driver'));
    const { id, capturedFen } = await aSessionStoppedByStaff(driver);
    expect(capturedFen).toBeGreaterThan(1);
    const refundFen = Math.floor(capturedFen / 2);

    const page = await browser.newPage();
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const username = uniqueId('reviewer');
    const password = await createStaffAccount(page, username, 'operator', 'reviews abnormal orders');
    await signOut(page);
    await signIn(page, username, password);

    await reviewFlaggedSession(page, id, { decision: 'adjust', refundFen, note: 'stopped by staff for a damaged cable: half back' });
    await expect(byTestId(page, 'session-refunded').textContent()).resolves.toBe(`¥${(refundFen / 100).toFixed(2)}`);
    await expect(byTestId(page, 'session-review-flag').textContent()).resolves.not.toContain('是');
    expect(await byTestId(page, 'temporal-link').getAttribute('href')).toMatch(new RegExp(`/namespaces/default/workflows/charging-session-${id}$`));
    await screenshot(page, 'order-review-adjusted');

    expect((await t.call('GET', '/api/v1/wallet', { token: driver })).body).toEqual({ balanceFen: 3000 - capturedFen + refundFen, heldFen: 0 });
    const ledger = (await t.call('GET', '/api/v1/wallet/transactions', { token: driver })).body.transactions;
    expect(ledger.filter((e: { kind: string }) => e.kind === 'order_refund')).toEqual([expect.objectContaining({ amountFen: refundFen, sessionId: id })]);
    expect((await t.call('GET', `/api/v1/orders/${id}`, { token: driver })).body).toMatchObject({ reviewRefundFen: refundFen });

    await openMenu(page, 'sessions');
    await byTestId(page, 'sessions-table').waitFor();
    expect(scriptErrors(page)).toEqual([]);
  }, 180_000);
});
