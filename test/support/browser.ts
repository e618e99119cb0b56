import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Browser tests of the operator console: Debian's Chromium (never a downloaded browser) driven by playwright-core,
 * headless, against a running system's API (which serves console/dist at /console). Screenshots go to
 * test-artifacts/console/ (ignored by git). Page objects below (signIn, openMenu, createStaffAccount, ...) are the
 * vocabulary the scenario tests are written in; extend them rather than reaching for selectors in a test.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'console');
/** How long a page waits for an element or an answer: the embedded system is slow on a busy CI machine. */
export const UI_TIMEOUT_MS = 20_000;

/** Builds the console once when console/dist is missing (running one test alone; `npm test` builds it first). */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(REPO_ROOT, 'console', 'dist', 'index.html'))) return;
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}

export interface ConsoleBrowser {
  browser: Browser;
  /** A fresh, isolated browser profile (its own sessionStorage) on the console of `apiUrl`. */
  newPage(options?: { locale?: 'zh-CN' | 'en' }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchConsoleBrowser(apiUrl: string): Promise<ConsoleBrowser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  ensureConsoleBuilt();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: apiUrl, viewport: { width: 1280, height: 800 }, locale: options.locale ?? 'zh-CN' });
      contexts.push(context);
      context.setDefaultTimeout(UI_TIMEOUT_MS);
      if (options.locale) await context.addInitScript((locale) => localStorage.setItem('evcp.console.locale', locale), options.locale);
      const page = await context.newPage();
      const errors: string[] = [];
      scriptErrorsOf.set(page, errors);
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto('/console/');
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

const scriptErrorsOf = new WeakMap<Page, string[]>();
/** Uncaught errors of the console's own scripts on this page so far (a failed API call is not one: it is shown). */
export function scriptErrors(page: Page): string[] {
  return scriptErrorsOf.get(page) ?? [];
}

/** Saves a screenshot under test-artifacts/console/<name>.png (or `file` when given) and returns its path. */
export async function screenshot(page: Page, name: string, file?: string): Promise<string> {
  const target = file ?? path.join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await page.screenshot({ path: target });
  return target;
}

// ------------------------------------------------------------------------------------------------- page objects

export const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** Fills an Element Plus input whose data-testid sits on the native <input> (or on its wrapper). */
export async function fill(page: Page, testId: string, value: string): Promise<void> {
  const target = byTestId(page, testId);
  const tag = await target.evaluate((el) => el.tagName.toLowerCase());
  await (tag === 'input' || tag === 'textarea' ? target : target.locator('input, textarea').first()).fill(value);
}

/** Picks an option of an Element Plus select: opens it, then clicks the visible option carrying `optionTestId`. */
export async function choose(page: Page, selectTestId: string, optionTestId: string): Promise<void> {
  await byTestId(page, selectTestId).click();
  await page.locator(`.el-select-dropdown [data-testid="${optionTestId}"]:visible`).click();
}

/** Signs in on the sign-in page (the console redirects there); a TOTP code when the account needs one. */
export async function signIn(page: Page, username: string, password: string, code?: string): Promise<void> {
  if (!page.url().includes('/console/sign-in')) await page.goto('/console/sign-in');
  await fill(page, 'sign-in-username', username);
  await fill(page, 'sign-in-password', password);
  await byTestId(page, 'sign-in-submit').click();
  if (code !== undefined) {
    await byTestId(page, 'sign-in-code').waitFor();
    await fill(page, 'sign-in-code', code);
    await byTestId(page, 'sign-in-submit').click();
  }
  await byTestId(page, 'current-user').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await byTestId(page, 'sign-out').click();
  await byTestId(page, 'sign-in-username').waitFor();
}

/** Opens a page from the side menu: 'fleet', 'stations', 'tariffs', 'commands', 'alarms', 'staff', 'audit', 'account'. */
export async function openMenu(page: Page, name: string): Promise<void> {
  await byTestId(page, `menu-${name}`).click();
  await page.waitForURL(new RegExp(`/console/${name}`));
}

/** Admin: creates a staff account on the Staff page; returns the password the console shows once. */
export async function createStaffAccount(page: Page, username: string, role: 'operator' | 'support' | 'admin', reason = 'new colleague'): Promise<string> {
  await openMenu(page, 'staff');
  await byTestId(page, 'staff-create').click();
  await fill(page, 'staff-username', username);
  await choose(page, 'staff-role', `staff-role-${role}`);
  await fill(page, 'staff-reason', reason);
  await byTestId(page, 'staff-create-save').click();
  const password = (await byTestId(page, 'staff-password').textContent())?.trim() ?? '';
  if (!password) throw new Error('the console showed no password for the new account');
  await byTestId(page, 'staff-password-close').click();
  await byTestId(page, 'staff-password-dialog').waitFor({ state: 'hidden' });
  return password;
}

/** The fleet overview, as the operator sees it: waits until it is shown. */
export async function fleetOverview(page: Page) {
  await byTestId(page, 'fleet-overview').waitFor();
  return {
    count: async (key: 'total' | 'available' | 'charging' | 'offline' | 'faulted') => Number((await byTestId(page, `fleet-count-${key}`).locator('.el-statistic__number').textContent())?.replace(/\D/g, '') ?? NaN),
    pileStatus: (code: string) => byTestId(page, `fleet-pile-${code}`).locator('[data-status]').getAttribute('data-status'),
  };
}

// Page objects for the fleet, commands and alarms pages. Their APIs arrive with the fleet, commands and alarms
// branches (issue 11); the scenario tests written after the merge exercise these.

/** Opens a pile's page by its code and waits for it. */
export async function openPile(page: Page, code: string) {
  await page.goto(`/console/piles/${encodeURIComponent(code)}`);
  await byTestId(page, 'pile-page').waitFor();
  return { status: () => byTestId(page, 'pile-status').getAttribute('data-status') };
}

/** On a pile's page: sends a remote command with its reason through the dialog; resolves once the dialog closed. */
export async function sendCommand(
  page: Page,
  command: { type: 'start' | 'stop' | 'reset' | 'unlock' | 'configure' | 'getConfig' | 'changeConfig'; reason: string; driverId?: string; keys?: string; key?: string; value?: string },
): Promise<void> {
  await byTestId(page, 'command-open').click();
  await choose(page, 'command-type', `command-type-${command.type}`);
  if (command.driverId) await fill(page, 'command-driver-id', command.driverId);
  if (command.keys) await fill(page, 'command-ocpp-keys', command.keys);
  if (command.key) await fill(page, 'command-ocpp-key', command.key);
  if (command.value) await fill(page, 'command-ocpp-value', command.value);
  await fill(page, 'command-reason', command.reason);
  await byTestId(page, 'command-send').click();
  await byTestId(page, 'command-dialog').waitFor({ state: 'hidden' });
}

/** On an alarm's page: acknowledge, add a note or resolve (the note is required for the last two). */
export async function actOnAlarm(page: Page, alarmId: string, action: 'acknowledge' | 'note' | 'resolve', note = ''): Promise<string | null> {
  if (!page.url().endsWith(`/console/alarms/${alarmId}`)) await page.goto(`/console/alarms/${encodeURIComponent(alarmId)}`);
  await byTestId(page, `alarm-${action}`).click();
  if (note) await fill(page, 'alarm-dialog-note', note);
  await byTestId(page, 'alarm-dialog-confirm').click();
  await byTestId(page, 'alarm-dialog').waitFor({ state: 'hidden' });
  return byTestId(page, 'alarm-state').textContent();
}

// Page objects for the operator's whole path (test/browser/operator-path.test.ts): staff contacts, tariffs,
// stations, piles and on-call.

/** Types into an Element Plus number input and leaves it, so the component commits the value (it does on change). */
export async function fillNumber(page: Page, testId: string, value: number): Promise<void> {
  const input = byTestId(page, testId).locator('input').first();
  await input.fill(String(value));
  await input.press('Tab');
}

/** Admin, on the Staff page: sets an account's phone (the number alarms text). */
export async function setStaffPhone(page: Page, username: string, phone: string, reason: string): Promise<void> {
  await openMenu(page, 'staff');
  await byTestId(page, `staff-contact-${username}`).click();
  await fill(page, 'staff-contact-phone', phone);
  await fill(page, 'staff-contact-reason', reason);
  await byTestId(page, 'staff-contact-save').click();
  await byTestId(page, 'staff-contact-dialog').waitFor({ state: 'hidden' });
}

export interface TariffBandInput {
  name: string;
  from: string;
  to: string;
  electricityFenPerKwh: number;
  serviceFenPerKwh: number;
}

/** On the Tariffs page: creates a tariff with these time-of-use bands (in order, covering the day). */
export async function createTariff(page: Page, tariff: { id: string; name: string; bands: TariffBandInput[]; reason?: string }): Promise<void> {
  await openMenu(page, 'tariffs');
  await byTestId(page, 'tariff-create').click();
  await byTestId(page, 'tariff-dialog').waitFor();
  await fill(page, 'tariff-id', tariff.id);
  await fill(page, 'tariff-name', tariff.name);
  for (const [index, band] of tariff.bands.entries()) {
    if (index > 0) await byTestId(page, 'tariff-add-band').click();
    await fill(page, `tariff-band-${index}-name`, band.name);
    await fill(page, `tariff-band-${index}-from`, band.from);
    await fill(page, `tariff-band-${index}-to`, band.to);
    await fillNumber(page, `tariff-band-${index}-electricity`, band.electricityFenPerKwh);
    await fillNumber(page, `tariff-band-${index}-service`, band.serviceFenPerKwh);
  }
  if (tariff.reason) await fill(page, 'tariff-reason', tariff.reason);
  await byTestId(page, 'tariff-save').click();
  await byTestId(page, 'tariff-dialog').waitFor({ state: 'hidden' });
  await byTestId(page, 'tariffs-table').getByText(tariff.id, { exact: true }).waitFor();
}

/** On the Stations page: creates a station on a tariff and opens its page; returns the station's id. */
export async function createStation(page: Page, station: { name: string; address: string; lat: number; lng: number; tariffId: string; reason?: string }): Promise<string> {
  await openMenu(page, 'stations');
  await byTestId(page, 'station-create').click();
  await byTestId(page, 'station-dialog').waitFor();
  await fill(page, 'station-name', station.name);
  await fill(page, 'station-address', station.address);
  await fillNumber(page, 'station-lat', station.lat);
  await fillNumber(page, 'station-lng', station.lng);
  await choose(page, 'station-tariff', `station-tariff-${station.tariffId}`);
  if (station.reason) await fill(page, 'station-reason', station.reason);
  await byTestId(page, 'station-save').click();
  await byTestId(page, 'station-dialog').waitFor({ state: 'hidden' });
  const link = byTestId(page, 'stations-table').locator('a[data-testid^="station-link-"]', { hasText: station.name });
  const stationId = ((await link.getAttribute('data-testid')) ?? '').replace('station-link-', '');
  await link.click();
  await byTestId(page, 'station-page').waitFor();
  return stationId;
}

/**
 * On a station's page: adds a pile (or an OCPP charger, with `protocol`; of several connectors, with `connectors`);
 * returns what the console showed once: its credentials and, for a charger, `connector-N` = that connector's pile code.
 */
export async function addPile(
  page: Page,
  pile: { code: string; type: 'fast' | 'slow'; maxPowerW: number; reason?: string; protocol?: 'ocpp1.6'; connectors?: number },
): Promise<Record<string, string>> {
  await byTestId(page, 'pile-add').click();
  await byTestId(page, 'pile-dialog').waitFor();
  await fill(page, 'pile-code', pile.code);
  await byTestId(page, `pile-type-${pile.type}`).click();
  await fillNumber(page, 'pile-max-power', pile.maxPowerW);
  if (pile.protocol) await byTestId(page, 'pile-protocol-ocpp').click();
  if (pile.connectors) await fillNumber(page, 'pile-connectors', pile.connectors);
  if (pile.reason) await fill(page, 'pile-reason', pile.reason);
  await byTestId(page, 'pile-save').click();
  await byTestId(page, 'pile-credentials').waitFor();
  const credentials: Record<string, string> = {};
  for (const field of await byTestId(page, 'pile-credentials').locator('[data-testid^="pile-credential-"]').all()) {
    credentials[((await field.getAttribute('data-testid')) ?? '').replace('pile-credential-', '')] = ((await field.textContent()) ?? '').trim();
  }
  await screenshot(page, `pile-credentials-${pile.code}`);
  await byTestId(page, 'pile-credentials-close').click();
  await byTestId(page, 'pile-credentials').waitFor({ state: 'hidden' });
  await byTestId(page, 'station-piles').getByText(credentials['connector-1'] ?? pile.code, { exact: true }).waitFor();
  return credentials;
}

/** On a station's page: puts these people (by username, in order) on call; waits until the page shows them. */
export async function setOnCall(page: Page, usernames: string[], reason = ''): Promise<void> {
  await byTestId(page, 'station-on-call-edit').click();
  await byTestId(page, 'on-call-select').click();
  for (const username of usernames) await page.locator(`.el-select-dropdown [data-testid="on-call-option-${username}"]:visible`).click();
  // A click on the dialog's title closes the multiple select's list (which covers the reason; Escape would close the dialog).
  await page.locator('.el-dialog:visible .el-dialog__header').click();
  await page.locator('.el-select-dropdown [data-testid^="on-call-option-"]').first().waitFor({ state: 'hidden' });
  await fill(page, 'on-call-reason', reason);
  await byTestId(page, 'on-call-save').click();
  await page.waitForFunction(([names]) => document.querySelector('[data-testid="station-on-call"]')?.textContent?.trim() === names, [usernames.join(', ')]);
}

/** Operator: opens the review queue, opens the flagged session and records a decision on its page (issue 12). */
export async function reviewFlaggedSession(page: Page, sessionId: string, decision: { decision: 'approve' | 'adjust' | 'escalate'; refundFen?: number; note: string }): Promise<void> {
  await openMenu(page, 'review');
  await byTestId(page, `review-open-${sessionId}`).click();
  await byTestId(page, 'session-page').waitFor();
  await byTestId(page, `decision-${decision.decision}`).click();
  if (decision.refundFen !== undefined) {
    await fill(page, 'review-refund', (decision.refundFen / 100).toFixed(2));
    await byTestId(page, 'review-refund').locator('input').press('Tab');
  }
  await fill(page, 'review-note', decision.note);
  await byTestId(page, 'review-submit').click();
  await byTestId(page, 'reviews-table').getByText(decision.note).waitFor();
}

// Page objects for drivers and feedback (issue 12).

/** Support or admin: finds a driver on the Drivers page by `query` and opens their page. */
export async function openDriver(page: Page, query: string, driverId: string): Promise<void> {
  await openMenu(page, 'drivers');
  await fill(page, 'drivers-search', query);
  await byTestId(page, 'drivers-search-button').click();
  await byTestId(page, `driver-link-${driverId}`).click();
  await byTestId(page, 'driver-page').waitFor();
}

/** On a driver's page: freezes or unfreezes with a reason; resolves to the state shown afterwards. */
export async function setDriverFrozen(page: Page, frozen: boolean, reason: string): Promise<string | null> {
  await byTestId(page, frozen ? 'driver-freeze' : 'driver-unfreeze').click();
  await fill(page, 'driver-dialog-reason', reason);
  await byTestId(page, 'driver-dialog-confirm').click();
  await byTestId(page, 'driver-dialog').waitFor({ state: 'hidden' });
  const state = page.locator(`[data-testid="driver-state"][data-state="${frozen ? 'frozen' : 'active'}"]`);
  await state.waitFor();
  return state.textContent();
}

/** On a driver's page (operator, admin): maps an RFID card to the driver, or blocks / unblocks one; resolves to the card's status shown afterwards. */
export async function changeDriverCard(page: Page, idTag: string, reason: string, action: 'add' | 'toggle'): Promise<string | null> {
  await page.locator('#tab-cards').click();
  const card = byTestId(page, `driver-card-${idTag.toUpperCase()}`);
  const before = action === 'add' ? null : await card.getAttribute('data-status');
  await byTestId(page, action === 'add' ? 'driver-card-add' : `driver-card-toggle-${idTag.toUpperCase()}`).click();
  if (action === 'add') await fill(page, 'driver-card-tag', idTag);
  await fill(page, 'driver-card-reason', reason);
  await byTestId(page, 'driver-card-confirm').click();
  await byTestId(page, 'driver-card-dialog').waitFor({ state: 'hidden' });
  await page.waitForFunction(
    ({ selector, before }) => {
      const status = document.querySelector(selector)?.getAttribute('data-status');
      return !!status && status !== before;
    },
    { selector: `[data-testid="driver-card-${idTag.toUpperCase()}"]`, before },
    { timeout: UI_TIMEOUT_MS },
  );
  return card.getAttribute('data-status');
}

/** Support: opens a feedback item from the queue (status `open`) and sends a reply. */
export async function replyToFeedback(page: Page, feedbackId: string, reply: string): Promise<void> {
  await openMenu(page, 'feedback');
  await byTestId(page, `feedback-link-${feedbackId}`).click();
  await byTestId(page, 'feedback-page').waitFor();
  await fill(page, 'feedback-reply-text', reply);
  await byTestId(page, 'feedback-reply-send').click();
  await page.locator('[data-testid="feedback-replies"]', { hasText: reply }).waitFor();
}

/** The dashboard (issue 12): waits until its figures are shown; `lastPeriodEnergyWh` is the latest day's (or month's) energy. */
export async function dashboard(page: Page) {
  await openMenu(page, 'dashboard');
  await byTestId(page, 'dashboard-total-energy-kwh').waitFor();
  return {
    // Shown in kWh to the Wh (three decimals), so the Wh figure is exact.
    lastPeriodEnergyWh: async () => Math.round(Number((await byTestId(page, 'dashboard-last-period-energy-kwh').textContent())?.trim()) * 1000),
    /** Clicks a CSV button and returns the downloaded file's name and text. */
    async downloadCsv(testId: string): Promise<{ name: string; text: string }> {
      const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, testId).click()]);
      const file = await download.path();
      return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
    },
  };
}
