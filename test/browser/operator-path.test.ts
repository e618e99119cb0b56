import type { Page } from 'playwright-core';
import { SimulatedPile } from '../../simulator';
import {
  actOnAlarm,
  addPile,
  byTestId,
  type ConsoleBrowser,
  createStaffAccount,
  createStation,
  createTariff,
  fleetOverview,
  launchConsoleBrowser,
  openMenu,
  screenshot,
  scriptErrors,
  openPile,
  sendCommand,
  setOnCall,
  setStaffPhone,
  signIn,
  signOut,
  UI_TIMEOUT_MS,
} from '../support/browser';
import { type FakeSms, startFakeSms } from '../support/fake-sms';
import { eventually } from '../support/live-client';
import { TestCharger } from '../support/ocpp-charger';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const ADMIN_PASSWORD = 'first-admin-password-for-tests';
const OPERATOR_PHONE = '+8613800000077';
/** Where the new station stands, and where the driver looks from (a few hundred metres away). */
const STATION_AT = { lat: 31.2401, lng: 121.4902 };
const DRIVER_AT = { lat: 31.2383, lng: 121.4871 };
/** UI conditions on a loaded machine: the live feed, a pile's answer, a workflow's next step. */
const LIVE_TIMEOUT_MS = 45_000;

/**
 * Issue 11's proof: the operator's whole path through the console in Debian's Chromium, against the embedded system
 * (exactly what `npm start` runs) with no simulated piles of its own. The first admin makes an operator; the operator
 * builds a tariff, a station and two piles in the UI; a pile made of the credentials the console showed connects and
 * charges a driver while the operator watches; the operator stops it, then handles the one alarm a flapping fault
 * makes (one SMS to his phone). Each step is one test: state carries over, so a failed step fails those after it.
 */
describe("the operator's path through the console", () => {
  let t: TestSystem;
  let sms: FakeSms;
  let browser: ConsoleBrowser;
  let adminPage: Page;
  let page: Page;
  let pile: SimulatedPile | undefined;
  let charger: TestCharger | undefined;

  // The system is fresh (its own SQLite, broker and Temporal server): names need not be unique, so they read well.
  const operator = { username: 'pudong-operator', password: '', id: '' };
  const tariffId = 'pudong-tou';
  const stationName = '浦东滨江充电站';
  const piles = { fast: 'PD-DC-01', slow: 'PD-AC-02' };
  let stationId = '';
  let credentials: Record<string, string> = {};
  let driver: { token: string; id: string };
  let sessionId = '';
  let alarmId = '';

  const adminToken = async () => (await t.call('POST', '/api/v1/auth/staff-login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.token as string;
  const operatorToken = async () => (await t.call('POST', '/api/v1/auth/staff-login', { body: { username: operator.username, password: operator.password } })).body.token as string;
  /** Waits until an element's attribute is one of `values` (or, for a number, at least `atLeast`): a UI condition, not a sleep. */
  const waitForAttribute = (selector: string, attribute: string, expected: { oneOf?: string[]; atLeast?: number }, timeout = LIVE_TIMEOUT_MS) =>
    page.waitForFunction(
      ({ selector, attribute, expected }) => {
        const value = document.querySelector(selector)?.getAttribute(attribute);
        if (value === null || value === undefined) return false;
        return expected.oneOf ? expected.oneOf.includes(value) : Number(value) >= (expected.atLeast ?? 0);
      },
      { selector, attribute, expected },
      { timeout },
    );

  beforeAll(async () => {
    sms = await startFakeSms();
    t = await startTestSystem('embedded', { ...sms.env, STAFF_ADMIN_PASSWORD: ADMIN_PASSWORD, SIM_PILES: '0', CHECKPOINT_INTERVAL_SECONDS: '1' });
    browser = await launchConsoleBrowser(t.api);
  }, 180_000);

  afterAll(async () => {
    await pile?.disconnect().catch(() => undefined);
    await charger?.close().catch(() => undefined);
    await browser?.close();
    await t?.stop();
    await sms?.close();
  });

  it('1. the first admin creates an operator account (password shown once) and sets his phone', async () => {
    adminPage = await browser.newPage();
    await signIn(adminPage, 'admin', ADMIN_PASSWORD);
    await fleetOverview(adminPage);
    operator.password = await createStaffAccount(adminPage, operator.username, 'operator', 'runs the Pudong stations');
    await setStaffPhone(adminPage, operator.username, OPERATOR_PHONE, 'on call for alarms');
    await expect(byTestId(adminPage, `staff-phone-${operator.username}`).textContent()).resolves.toBe(OPERATOR_PHONE);
    await screenshot(adminPage, '01-staff');

    const { body } = await t.call('GET', '/api/v1/admin/staff', { token: await adminToken() });
    const account = body.staff.find((s: { username: string }) => s.username === operator.username);
    expect(account).toMatchObject({ role: 'operator', phone: OPERATOR_PHONE, disabledAt: null });
    operator.id = account.id;
    await signOut(adminPage);
  }, 120_000);

  it('2. the operator creates a time-of-use tariff, a station on it, two piles (credentials shown once) and goes on call', async () => {
    page = await browser.newPage();
    await signIn(page, operator.username, operator.password);
    await fleetOverview(page);

    await createTariff(page, {
      id: tariffId,
      name: '峰谷电价',
      bands: [
        { name: 'valley', from: '00:00', to: '08:00', electricityFenPerKwh: 35, serviceFenPerKwh: 40 },
        { name: 'flat', from: '08:00', to: '18:00', electricityFenPerKwh: 75, serviceFenPerKwh: 60 },
        { name: 'peak', from: '18:00', to: '24:00', electricityFenPerKwh: 120, serviceFenPerKwh: 60 },
      ],
      reason: 'summer time-of-use prices',
    });
    await screenshot(page, '02-tariffs');

    stationId = await createStation(page, { name: stationName, address: '上海市浦东新区滨江大道 1 号', ...STATION_AT, tariffId, reason: 'new site opens' });
    credentials = await addPile(page, { code: piles.fast, type: 'fast', maxPowerW: 120_000, reason: 'commissioning' });
    const slowCredentials = await addPile(page, { code: piles.slow, type: 'slow', maxPowerW: 7_000, reason: 'commissioning' });
    expect(credentials).toMatchObject({ mqttUsername: piles.fast, mqttPassword: expect.stringMatching(/.{16,}/), commandSecret: expect.stringMatching(/.{16,}/) });
    expect(slowCredentials.mqttPassword).not.toBe(credentials.mqttPassword);
    await setOnCall(page, [operator.username], 'my shift this week');
    await screenshot(page, '03-station');

    const token = await operatorToken();
    const { body: tariffs } = await t.call('GET', '/api/v1/admin/tariffs', { token });
    expect(tariffs.tariffs.find((x: { id: string }) => x.id === tariffId).current.definition.bands.map((b: { name: string; from: string; to: string; electricityFenPerKwh: number }) => [b.name, b.from, b.to, b.electricityFenPerKwh])).toEqual([
      ['valley', '00:00', '08:00', 35],
      ['flat', '08:00', '18:00', 75],
      ['peak', '18:00', '24:00', 120],
    ]);
    const { body: station } = await t.call('GET', `/api/v1/admin/stations/${stationId}`, { token });
    expect(station.station).toMatchObject({ name: stationName, tariffId, lat: STATION_AT.lat, lng: STATION_AT.lng });
    expect(station.piles.map((p: { code: string; type: string; maxPowerW: number }) => [p.code, p.type, p.maxPowerW])).toEqual(
      expect.arrayContaining([
        [piles.fast, 'fast', 120_000],
        [piles.slow, 'slow', 7_000],
      ]),
    );
    // The credentials are shown once: nothing the API answers later carries the password.
    expect(JSON.stringify(station)).not.toContain(credentials.mqttPassword);
    const { body: onCall } = await t.call('GET', `/api/v1/admin/stations/${stationId}/on-call`, { token });
    expect(onCall.staff).toEqual([expect.objectContaining({ id: operator.id, phone: OPERATOR_PHONE })]);
  }, 120_000);

  it("3. the mini-program's nearby search lists the new station with both piles, without a restart", async () => {
    driver = await t.call('POST', '/api/v1/auth/dev-login', { body: { name: 'pudong-driver', role: 'driver' } }).then(({ body }) => ({ token: body.token, id: body.user.id }));
    const { status, body } = await t.call('GET', `/api/v1/stations?lat=${DRIVER_AT.lat}&lng=${DRIVER_AT.lng}&radiusKm=2`, { token: driver.token });
    expect(status).toBe(200);
    const listed = body.stations.find((s: { id: string }) => s.id === stationId);
    expect(listed).toMatchObject({ name: stationName });
    expect(listed.piles.map((p: { id: string }) => p.id).sort()).toEqual([piles.fast, piles.slow].sort());
  }, 60_000);

  it('4. a pile made of the shown credentials connects; a driver charges on it; the fleet and pile pages follow live', async () => {
    await openMenu(page, 'fleet');
    const fleet = await fleetOverview(page);
    await byTestId(page, `fleet-pile-${piles.fast}`).waitFor();
    await waitForAttribute('[data-testid="fleet-live"]', 'data-live', { oneOf: ['true'] });

    pile = new SimulatedPile({
      pileId: credentials.mqttUsername,
      mqttPassword: credentials.mqttPassword,
      pileSecret: credentials.commandSecret,
      mqttUrl: t.system.mqttUrl,
      topics: t.topics,
      maxPowerW: 120_000,
      telemetryIntervalMs: 500,
    });
    await pile.connect();
    await waitForAttribute(`[data-testid="fleet-pile-${piles.fast}"] [data-status]`, 'data-status', { oneOf: ['available', 'idle'] });

    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token: driver.token, body: { amountFen: 5000 } })).status).toBe(201);
    const started = await t.call('POST', '/api/v1/sessions', { token: driver.token, body: { pileCode: piles.fast } });
    expect(started.status).toBe(201);
    sessionId = started.body.sessionId;

    // The fleet page was loaded before the session: the status arrives over the WebSocket.
    await waitForAttribute(`[data-testid="fleet-pile-${piles.fast}"] [data-status]`, 'data-status', { oneOf: ['charging'] });
    await eventually(() => fleet.count('charging'), (n) => n === 1, LIVE_TIMEOUT_MS);
    // Its power and energy line follows with the reload the status change triggers.
    await byTestId(page, `fleet-pile-${piles.fast}`).locator('small').waitFor({ timeout: LIVE_TIMEOUT_MS });
    await screenshot(page, '04-fleet-charging');

    await byTestId(page, `fleet-pile-${piles.fast}`).click();
    await byTestId(page, 'pile-page').waitFor();
    await waitForAttribute('[data-testid="pile-status"]', 'data-status', { oneOf: ['charging'] });
    await expect(byTestId(page, 'pile-current-session').textContent()).resolves.toContain(sessionId);
    // The curve starts at the session's start and grows with each progress message of the live feed.
    await waitForAttribute('[data-testid="power-chart"]', 'data-points', { atLeast: 4 });
    await screenshot(page, '05-pile-charging');
    expect(scriptErrors(page)).toEqual([]);
  }, 120_000);

  it("5. the operator's stop from the pile page ends accepted and the session ends STAFF_STOPPED", async () => {
    await sendCommand(page, { type: 'stop', reason: 'driver called: cable stuck, stop remotely' });
    const stateTag = byTestId(page, 'commands-table').locator('[data-testid^="command-state-"]').first();
    await eventually(async () => stateTag.getAttribute('data-state'), (s) => s === 'accepted' || s === 'rejected' || s === 'failed' || s === 'expired', LIVE_TIMEOUT_MS);
    expect(await stateTag.getAttribute('data-state')).toBe('accepted');

    const ended = await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token: driver.token }), (r) => r.body.status === 'COMPLETED', LIVE_TIMEOUT_MS);
    expect(ended.body.endReason).toBe('STAFF_STOPPED');
    await byTestId(page, 'pile-recent-sessions').getByText('STAFF_STOPPED').waitFor({ timeout: LIVE_TIMEOUT_MS });
    await page.getByRole('tab').nth(2).click();
    await screenshot(page, '06-pile-stopped');

    const token = await operatorToken();
    const { body } = await t.call('GET', `/api/v1/admin/commands?pile=${piles.fast}`, { token });
    expect(body.commands).toEqual([expect.objectContaining({ type: 'stop', state: 'accepted', sessionId, requestedBy: expect.objectContaining({ id: operator.id, role: 'operator' }) })]);
  }, 120_000);

  it('6. a pile that flaps a fault many times makes one alarm on the alarms page and one SMS to the operator', async () => {
    const FLAPS = 30;
    for (let i = 0; i < FLAPS; i++) {
      pile!.fault('GROUND_FAULT');
      pile!.clearFault();
    }
    const token = await operatorToken();
    const alarmsOfPile = async () => {
      const lists = await Promise.all(['open', 'acknowledged', 'resolved'].map((state) => t.call('GET', `/api/v1/admin/alarms?pile=${piles.fast}&state=${state}`, { token })));
      return lists.flatMap((l) => l.body.alarms as { id: number; occurrences: number }[]);
    };
    await eventually(alarmsOfPile, (alarms) => alarms.length > 0 && alarms[0].occurrences >= FLAPS, LIVE_TIMEOUT_MS);
    await eventually(async () => sms.sent.length, (n) => n >= 1, LIVE_TIMEOUT_MS);

    await openMenu(page, 'alarms');
    const rows = byTestId(page, 'alarms-table').locator('tbody tr', { hasText: piles.fast });
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(1);
    const occurrences = Number((await rows.first().locator('td').last().textContent())?.trim());
    expect(occurrences).toBeGreaterThanOrEqual(FLAPS);
    await screenshot(page, '07-alarms');

    const alarms = await alarmsOfPile();
    expect(alarms).toHaveLength(1);
    alarmId = String(alarms[0].id);
    expect(sms.sent).toEqual([expect.objectContaining({ phone: OPERATOR_PHONE, params: [piles.fast.slice(0, 20), 'fault', 'GROUND_FAULT'] })]);
  }, 120_000);

  it('7. the operator acknowledges and resolves the alarm with a note; its history and the audit log keep both', async () => {
    await byTestId(page, `alarm-link-${alarmId}`).click();
    await byTestId(page, 'alarm-page').waitFor();
    await actOnAlarm(page, alarmId, 'acknowledge', 'looking into it');
    await byTestId(page, 'alarm-history-entry').and(page.locator('[data-action="acknowledged"]')).waitFor();
    const resolveNote = 'ground fault: wet connector dried and tested';
    await actOnAlarm(page, alarmId, 'resolve', resolveNote);
    const resolved = byTestId(page, 'alarm-history-entry').and(page.locator('[data-action="resolved"]'));
    await resolved.waitFor();
    await expect(resolved.textContent()).resolves.toContain(resolveNote);
    await expect(resolved.textContent()).resolves.toContain(operator.username);
    await byTestId(page, 'alarm-resolve').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await screenshot(page, '08-alarm-resolved');
    expect(scriptErrors(page)).toEqual([]);

    const { body } = await t.call('GET', '/api/v1/admin/audit?limit=200', { token: await adminToken() });
    type Entry = { action: string; target: string; actorName: string; reason: string | null };
    const entries = body.entries as Entry[];
    const entry = (action: string, target: string) => entries.find((e) => e.action === action && e.target === target);
    expect(entry('staff.create', `staff:${operator.username}`)).toMatchObject({ actorName: 'admin' });
    expect(entries.find((e) => e.action === 'staff.update')).toMatchObject({ actorName: 'admin', reason: 'on call for alarms' });
    for (const [action, target] of [
      ['tariff.create', `tariff:${tariffId}`],
      ['station.create', `station:${stationId}`],
      ['pile.create', `pile:${piles.fast}`],
      ['pile.create', `pile:${piles.slow}`],
      ['station.on-call', `station:${stationId}`],
      ['pile.command', `pile:${piles.fast}`],
      ['alarm.acknowledge', `alarm:${alarmId}`],
    ]) {
      expect(entry(action, target)).toMatchObject({ actorName: operator.username });
    }
    expect(entry('alarm.resolve', `alarm:${alarmId}`)).toMatchObject({ actorName: operator.username, reason: resolveNote });
    // However long the alarm stayed open, the operator was texted once.
    expect(sms.sent).toHaveLength(1);
  }, 120_000);

  it('8. the operator adds an OCPP charger of two connectors (one password, a pile code each) and reads its configuration from a connector’s page', async () => {
    const chargePointId = 'PD-OCPP-03';
    await page.goto(`/console/stations/${encodeURIComponent(stationId)}`);
    const shown = await addPile(page, { code: chargePointId, type: 'fast', maxPowerW: 60_000, protocol: 'ocpp1.6', connectors: 2, reason: 'commissioning a twin charger' });
    expect(shown).toMatchObject({ chargePointId, basicAuthUsername: chargePointId, 'connector-1': `${chargePointId}-1`, 'connector-2': `${chargePointId}-2` });

    charger = await TestCharger.connect(t.system.ocppUrl, chargePointId, shown.basicAuthPassword);
    await charger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'twin' });
    for (const connectorId of [1, 2]) await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' });
    const pilePage = await openPile(page, `${chargePointId}-2`);
    await expect(byTestId(page, 'pile-ocpp-connector').textContent()).resolves.toContain(`${chargePointId} #2`);
    await page.waitForFunction(() => document.querySelector('[data-testid="pile-status"]')?.getAttribute('data-status') === 'available', undefined, { timeout: LIVE_TIMEOUT_MS }).catch(async () => {
      throw new Error(`pile status stayed ${await pilePage.status()}`);
    });

    charger.answers.GetConfiguration = { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }], unknownKey: ['NoSuchKey'] };
    await sendCommand(page, { type: 'getConfig', reason: 'check the twin charger', keys: 'HeartbeatInterval, NoSuchKey' });
    expect((await charger.nextCall('GetConfiguration')).params).toEqual({ key: ['HeartbeatInterval', 'NoSuchKey'] });
    const token = await operatorToken();
    const { body } = await eventually(
      () => t.call('GET', `/api/v1/admin/commands?pile=${chargePointId}-2`, { token }),
      (r) => r.body.commands?.[0]?.state === 'accepted',
      LIVE_TIMEOUT_MS,
    );
    expect(body.commands[0]).toMatchObject({ type: 'getConfig', params: { keys: 'HeartbeatInterval, NoSuchKey' }, detail: 'HeartbeatInterval=60; unknown: NoSuchKey' });
    await screenshot(page, '09-ocpp-command');
    expect(scriptErrors(page)).toEqual([]);
  }, 120_000);
});
