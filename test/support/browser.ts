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
export async function sendCommand(page: Page, command: { type: 'start' | 'stop' | 'reset' | 'unlock' | 'configure'; reason: string; driverId?: string }): Promise<void> {
  await byTestId(page, 'command-open').click();
  await choose(page, 'command-type', `command-type-${command.type}`);
  if (command.driverId) await fill(page, 'command-driver-id', command.driverId);
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

/** The dashboard (issue 12): waits until its figures are shown; `lastPeriodEnergyWh` is the latest day's (or month's) energy. */
export async function dashboard(page: Page) {
  await openMenu(page, 'dashboard');
  await byTestId(page, 'dashboard-total-energy-kwh').waitFor();
  return {
    lastPeriodEnergyWh: async () => Number((await byTestId(page, 'dashboard-last-period-energy-wh').textContent())?.trim()),
    /** Clicks a CSV button and returns the downloaded file's name and text. */
    async downloadCsv(testId: string): Promise<{ name: string; text: string }> {
      const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, testId).click()]);
      const file = await download.path();
      return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
    },
  };
}
