import { type ConsoleBrowser, byTestId, changeDriverCard, launchConsoleBrowser, openDriver, replyToFeedback, screenshot, scriptErrors, setDriverFrozen, signIn } from '../support/browser';
import { uniqueId } from '../support/services';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const ADMIN_PASSWORD = 'first-admin-password-for-tests';

describe('drivers and feedback in the console', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;
  let support: { username: string; password: string };
  let operator: { username: string; password: string };

  beforeAll(async () => {
    t = await startTestSystem('embedded', { STAFF_ADMIN_PASSWORD: ADMIN_PASSWORD });
    browser = await launchConsoleBrowser(t.api);
    const admin = (await t.call('POST', '/api/v1/auth/staff-login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.token;
    const username = uniqueId('support');
    const created = await t.call('POST', '/api/v1/admin/staff', { token: admin, body: { username, role: 'support', reason: 'customer service' } });
    expect(created.status).toBe(201);
    support = { username, password: created.body.password };
    const operatorName = uniqueId('operator');
    const operatorCreated = await t.call('POST', '/api/v1/admin/staff', { token: admin, body: { username: operatorName, role: 'operator', reason: 'runs the chargers' } });
    expect(operatorCreated.status).toBe(201);
    operator = { username: operatorName, password: operatorCreated.body.password };
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("support freezes a driver, and the driver's next start is refused with ACCOUNT_FROZEN", async () => {
    const name = uniqueId('frozen-driver');
    const token = await t.login(name);
    const driverId = (await t.call('GET', '/api/v1/me', { token })).body.id;
    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } })).status).toBe(201);

    const page = await browser.newPage();
    await signIn(page, support.username, support.password);
    await openDriver(page, name, driverId);
    expect(await byTestId(page, 'driver-balance').textContent()).toContain('50.00');
    expect(await setDriverFrozen(page, true, 'chargeback fraud reported by the bank')).toContain('已冻结');
    expect(await byTestId(page, 'driver-frozen-reason').textContent()).toBe('chargeback fraud reported by the bank');
    await screenshot(page, 'driver-frozen');

    const refused = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode: t.takePile() } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_FROZEN');
    expect(scriptErrors(page)).toEqual([]);
  }, 120_000);

  it('support replies to a feedback item in the queue, and the driver reads the reply', async () => {
    const token = await t.login(uniqueId('complaining-driver'));
    const submitted = await t.call('POST', '/api/v1/feedback', { token, body: { kind: 'complaint', content: 'The cable at pile 2 is damaged' } });
    expect(submitted.status).toBe(201);

    const page = await browser.newPage();
    await signIn(page, support.username, support.password);
    await replyToFeedback(page, submitted.body.id, '已安排维修，谢谢反馈');
    expect(await byTestId(page, 'feedback-item-status').textContent()).toBe('已回复');
    await screenshot(page, 'feedback-replied');

    const { body } = await t.call('GET', `/api/v1/feedback/${submitted.body.id}`, { token });
    expect(body.status).toBe('replied');
    expect(body.replies).toEqual([expect.objectContaining({ from: 'support', content: '已安排维修，谢谢反馈' })]);
    expect(scriptErrors(page)).toEqual([]);
  }, 120_000);

  it('an operator maps an RFID card to a driver on the driver’s page and blocks it when it is lost', async () => {
    const name = uniqueId('card-driver');
    const token = await t.login(name);
    const driverId = (await t.call('GET', '/api/v1/me', { token })).body.id;
    const idTag = `rf${uniqueId('c').slice(-10)}`;

    const page = await browser.newPage();
    await signIn(page, operator.username, operator.password);
    await openDriver(page, name, driverId);
    expect(await changeDriverCard(page, idTag, 'card handed out at the desk', 'add')).toBe('active');
    expect(await changeDriverCard(page, idTag, 'card reported lost', 'toggle')).toBe('blocked');
    await screenshot(page, 'driver-card-blocked');

    const admin = (await t.call('POST', '/api/v1/auth/staff-login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.token;
    const { body } = await t.call('GET', `/api/v1/admin/id-tags?userId=${driverId}`, { token: admin });
    expect(body.idTags).toEqual([expect.objectContaining({ idTag: idTag.toUpperCase(), userId: driverId, status: 'blocked' })]);
    expect(scriptErrors(page)).toEqual([]);
  }, 120_000);
});
