import { type ConsoleBrowser, byTestId, createStaffAccount, fleetOverview, launchConsoleBrowser, openMenu, screenshot, scriptErrors, signIn, signOut } from '../support/browser';
import { uniqueId } from '../support/services';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const ADMIN_PASSWORD = 'first-admin-password-for-tests';

describe('the operator console in a browser', () => {
  let t: TestSystem;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    t = await startTestSystem('embedded', { STAFF_ADMIN_PASSWORD: ADMIN_PASSWORD });
    browser = await launchConsoleBrowser(t.api);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('lets the first admin create an operator, who signs in with the password shown once and sees the fleet', async () => {
    const page = await browser.newPage();
    await byTestId(page, 'sign-in-username').waitFor();
    expect(page.url()).toContain('/console/sign-in');

    await signIn(page, 'admin', ADMIN_PASSWORD);
    await fleetOverview(page);
    const username = uniqueId('op');
    const password = await createStaffAccount(page, username, 'operator', 'runs the night shift');
    await signOut(page);

    await signIn(page, username, password);
    await fleetOverview(page);
    expect(await byTestId(page, 'current-user').textContent()).toContain(username);
    await expect(byTestId(page, 'menu-staff').count()).resolves.toBe(0);
    await screenshot(page, 'operator-fleet-overview');

    const { body } = await t.call('GET', '/api/v1/admin/audit?action=staff.create', { token: (await t.call('POST', '/api/v1/auth/staff-login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.token });
    expect(body.entries[0]).toMatchObject({ action: 'staff.create', target: `staff:${username}`, reason: 'runs the night shift' });
  }, 120_000);

  it('opens every page of the admin menu, in Chinese and in English, without a script error', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await browser.newPage({ locale });
      await signIn(page, 'admin', ADMIN_PASSWORD);
      for (const name of ['dashboard', 'fleet', 'stations', 'tariffs', 'commands', 'alarms', 'sessions', 'review', 'settlement-failures', 'drivers', 'feedback', 'staff', 'reconciliation', 'audit', 'account']) await openMenu(page, name);
      await byTestId(page, 'account-page').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(locale === 'en' ? 'en' : 'zh-CN');
      expect(scriptErrors(page)).toEqual([]);
    }
  }, 120_000);
});
