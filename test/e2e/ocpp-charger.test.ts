import { randomUUID } from 'node:crypto';
import { eventually } from '../support/live-client';
import { TestCharger, meterValue } from '../support/ocpp-charger';
import { type Mode, type TestSystem, startTestSystem } from '../support/system-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * OCPP 1.6J chargers through the real central system, API, worker and gateway handlers, on MariaDB, Redis and a
 * Temporal dev server, and embedded as `npm start` runs it (SQLite, in-process hot store). The charger is ocpp-rpc's client in strict mode: an independent implementation that checks
 * every message both ways against the official 1.6 schemas.
 */
describe.each<Mode>(['real services', 'embedded'])('OCPP 1.6J chargers (%s)', (mode) => {
  let t: TestSystem;
  let admin: string;
  const chargers: TestCharger[] = [];
  let serial = 0;

  beforeAll(async () => {
    t = await startTestSystem(mode, { SIM_PILES: '2', SIM_TELEMETRY_INTERVAL_MS: '200', CHECKPOINT_INTERVAL_SECONDS: '1', AUTH_DEV_LOGIN_STAFF: 'true' });
    admin = await t.login('ocpp-admin', 'admin');
  }, 120_000);

  afterEach(async () => {
    for (const charger of chargers.splice(0)) await charger.close().catch(() => undefined);
  });

  afterAll(async () => {
    await t?.stop();
  });

  /**
   * A charger added like any pile, through the console's pile API; its password is in the answer, once, with the pile
   * code of each connector (`connectors` absent: one connector, whose pile code is the chargePointId).
   */
  async function addCharger(stationId = t.stationId, connectors?: number): Promise<{ code: string; password: string; piles: string[]; answer: any }> {
    const code = `${stationId}-ocpp${++serial}`;
    const created = await t.call('POST', `/api/v1/admin/stations/${stationId}/piles`, {
      token: admin,
      body: { code, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T', protocol: 'ocpp1.6', ...(connectors ? { connectors } : {}) },
    });
    expect(created.status).toBe(201);
    expect(created.body.pile.protocol).toBe('ocpp1.6');
    expect(created.body.credentials).toMatchObject({ chargePointId: code, basicAuthUsername: code, subprotocol: 'ocpp1.6', endpointPath: `/ocpp/1.6/${code}` });
    const piles = (created.body.connectors as { connectorId: number; pileCode: string }[]).map((c) => c.pileCode);
    expect(piles).toHaveLength(connectors ?? 1);
    return { code, password: created.body.credentials.basicAuthPassword, piles, answer: created.body };
  }

  async function connect(code: string, password: string): Promise<TestCharger> {
    const charger = await TestCharger.connect(t.system.ocppUrl, code, password);
    chargers.push(charger);
    return charger;
  }

  async function bootedCharger(stationId?: string) {
    const { code, password } = await addCharger(stationId);
    const charger = await connect(code, password);
    const boot = await charger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'test' });
    expect(boot).toMatchObject({ status: 'Accepted', interval: 60 });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await eventually(() => pileStatus(code), (s) => s === 'idle');
    return { code, password, charger };
  }

  const pileStatus = async (code: string) => (await t.call('GET', `/api/v1/piles/${code}`)).body.pile?.status;

  /**
   * A driver with money starts a session on the pile `code` (connector `connectorId` of the charger); the charger
   * accepts the remote start and starts its transaction on that connector.
   */
  async function startedSession(code: string, charger: TestCharger, meterStartWh: number, connectorId = 1) {
    const token = await t.login(`driver-${mode}-${code}`);
    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } })).status).toBe(201);
    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode: code } });
    expect(started.status).toBe(201);
    const sessionId: string = started.body.sessionId;
    const remoteStart = await charger.nextCall('RemoteStartTransaction');
    expect(remoteStart.params).toMatchObject({ connectorId, idTag: expect.stringMatching(/^.{1,20}$/) });
    const { idTag } = remoteStart.params;
    expect(await charger.call('Authorize', { idTag })).toEqual({ idTagInfo: { status: 'Accepted' } });
    await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Preparing' });
    const transaction = await charger.call('StartTransaction', { connectorId, idTag, meterStart: meterStartWh, timestamp: new Date().toISOString() });
    expect(transaction.idTagInfo.status).toBe('Accepted');
    await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Charging' });
    await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'CHARGING');
    return { token, sessionId, transactionId: transaction.transactionId as number, idTag };
  }

  it('accepts a registered charger’s boot, heartbeats and statuses, and shows them as the pile’s live status', async () => {
    const { code, charger } = await bootedCharger();
    const heartbeat = await charger.call('Heartbeat', {});
    expect(Math.abs(Date.parse(heartbeat.currentTime) - Date.now())).toBeLessThan(10_000);

    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted', timestamp: new Date().toISOString() });
    await eventually(() => pileStatus(code), (s) => s === 'fault');
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    await eventually(() => pileStatus(code), (s) => s === 'idle');

    await charger.close();
    await eventually(() => pileStatus(code), (s) => s === 'offline');
  });

  it('runs two drivers’ sessions at once on the two connectors of one charger, each billed by its connector’s meter', async () => {
    const { code, password, piles } = await addCharger(t.stationId, 2);
    expect(piles).toEqual([`${code}-1`, `${code}-2`]);
    const charger = await connect(code, password);
    await charger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'twin' });
    for (const connectorId of [1, 2]) await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' });
    for (const pile of piles) await eventually(() => pileStatus(pile), (s) => s === 'idle');

    const first = await startedSession(piles[0], charger, 10_000, 1);
    const second = await startedSession(piles[1], charger, 20_000, 2);
    expect(second.transactionId).not.toBe(first.transactionId);
    await sleep(1100);
    await charger.call('MeterValues', { connectorId: 1, transactionId: first.transactionId, meterValue: [meterValue(Date.now(), 10_020, 60_000)] });
    await charger.call('MeterValues', { connectorId: 2, transactionId: second.transactionId, meterValue: [meterValue(Date.now(), 20_030, 90_000)] });

    for (const { sessionId, token } of [first, second]) expect((await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    const stops = [await charger.nextCall('RemoteStopTransaction'), await charger.nextCall('RemoteStopTransaction')];
    expect(stops.map((stop) => stop.params.transactionId).sort()).toEqual([first.transactionId, second.transactionId].sort());
    await sleep(1100);
    await charger.call('StopTransaction', { transactionId: first.transactionId, meterStop: 10_031, timestamp: new Date().toISOString(), reason: 'Remote' });
    await charger.call('StopTransaction', { transactionId: second.transactionId, meterStop: 20_047, timestamp: new Date().toISOString(), reason: 'Remote' });
    for (const connectorId of [1, 2]) await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' });

    const completed = ({ sessionId, token }: { sessionId: string; token: string }) =>
      eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'COMPLETED', 60_000);
    const [{ body: firstBill }, { body: secondBill }] = await Promise.all([completed(first), completed(second)]);
    expect(firstBill).toMatchObject({ pileId: piles[0], bill: { energyWh: 31 } });
    expect(secondBill).toMatchObject({ pileId: piles[1], bill: { energyWh: 47 } });
  }, 90_000);

  it('tells every connector of a fault of the whole charger (connector 0), and each connector only of its own status', async () => {
    const { code, password, piles } = await addCharger(t.stationId, 2);
    const charger = await connect(code, password);
    await charger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'twin' });
    for (const connectorId of [1, 2]) await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' });
    for (const pile of piles) await eventually(() => pileStatus(pile), (s) => s === 'idle');

    await charger.call('StatusNotification', { connectorId: 0, errorCode: 'PowerMeterFailure', status: 'Faulted', timestamp: new Date().toISOString() });
    for (const pile of piles) await eventually(() => pileStatus(pile), (s) => s === 'fault');

    await charger.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    await eventually(() => pileStatus(piles[1]), (s) => s === 'idle');
    expect(await pileStatus(piles[0])).toBe('fault');
  });

  it('refuses a charger with a wrong password, without one, or under an id that is no OCPP pile', async () => {
    const { code, password } = await addCharger();
    // One character changed: appending 'x' in place of the last one was the same password when it ended in 'x' (1 in 64).
    const wrongPassword = `${password.slice(0, -1)}${password.endsWith('x') ? 'y' : 'x'}`;
    await expect(TestCharger.connect(t.system.ocppUrl, code, wrongPassword)).rejects.toThrow();
    await expect(TestCharger.connect(t.system.ocppUrl, code, undefined)).rejects.toThrow();
    await expect(TestCharger.connect(t.system.ocppUrl, `${t.stationId}-p01`, password)).rejects.toThrow();
    await expect(TestCharger.connect(t.system.ocppUrl, 'no-such-charger', password)).rejects.toThrow();
    // Its own password lets it in.
    await connect(code, password);
  });

  it('charges a driver’s session started from the API and bills exactly the charger’s meter', async () => {
    const { code, charger } = await bootedCharger();
    const meterStart = 1_000_000;
    const { token, sessionId, transactionId } = await startedSession(code, charger, meterStart);

    let meter = meterStart;
    for (let i = 0; i < 3; i++) {
      await sleep(1100);
      meter += 25;
      await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue: [meterValue(Date.now(), meter, 80_000)] });
    }
    await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.energyWh > 0);

    expect((await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    const remoteStop = await charger.nextCall('RemoteStopTransaction');
    expect(remoteStop.params).toEqual({ transactionId });
    await sleep(500);
    meter += 5;
    await charger.call('StopTransaction', { transactionId, meterStop: meter, timestamp: new Date().toISOString(), reason: 'Remote' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Finishing' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

    const { body: session } = await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'COMPLETED');
    expect(session.bill.energyWh).toBe(meter - meterStart);
    expect(session.bill.capturedFen).toBe(session.bill.totalFen);
    const { body: wallet } = await t.call('GET', '/api/v1/wallet', { token });
    expect(wallet).toEqual({ balanceFen: 5000 - session.bill.capturedFen, heldFen: 0 });
  }, 90_000);

  it('settles once from the queue a charger replays after losing its connection mid-session', async () => {
    const { code, password, charger } = await bootedCharger();
    const meterStart = 52_000;
    const { token, sessionId, transactionId } = await startedSession(code, charger, meterStart);
    await sleep(1100);
    await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue: [meterValue(Date.now(), meterStart + 20, 60_000)] });
    await charger.close();
    await eventually(() => pileStatus(code), (s) => s === 'offline');

    // Offline, the charger goes on metering, then the driver unplugs: all of it waits in its queue.
    const queued: { at: number; meterWh: number }[] = [];
    for (let i = 1; i <= 3; i++) {
      await sleep(1100);
      queued.push({ at: Date.now(), meterWh: meterStart + 20 + 30 * i });
    }
    await sleep(300);
    const stop = { transactionId, meterStop: meterStart + 115, timestamp: new Date().toISOString(), reason: 'EVDisconnected' };

    const back = await connect(code, password);
    await back.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'test' });
    await back.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Finishing' });
    const replay = { connectorId: 1, transactionId, meterValue: queued.map((q) => meterValue(q.at, q.meterWh, 60_000)) };
    await back.call('MeterValues', replay);
    expect(await back.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
    // It never saw the answers: it sends them again. Nothing changes.
    await back.call('MeterValues', replay);
    expect(await back.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
    await back.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

    const { body: session } = await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'COMPLETED');
    expect(session.bill.energyWh).toBe(115);
    const { body: wallet } = await t.call('GET', '/api/v1/wallet', { token });
    expect(wallet).toEqual({ balanceFen: 5000 - session.bill.capturedFen, heldFen: 0 });
    const { body: orders } = await t.call('GET', '/api/v1/orders', { token });
    expect(orders.orders.filter((o: { sessionId?: string; id?: string }) => (o.sessionId ?? o.id) === sessionId)).toHaveLength(1);
  }, 90_000);

  it('refuses a transaction started at the charger with an id tag of no session', async () => {
    const { charger } = await bootedCharger();
    expect(await charger.call('Authorize', { idTag: 'RFID-UNKNOWN' })).toEqual({ idTagInfo: { status: 'Invalid' } });
    const refused = await charger.call('StartTransaction', { connectorId: 1, idTag: 'RFID-UNKNOWN', meterStart: 10, timestamp: new Date().toISOString() });
    expect(refused.idTagInfo.status).toBe('Invalid');
  });
  it('starts the session of a card’s driver when it is tapped at the charger, billed by the charger’s meter, and refuses it once blocked', async () => {
    const { code, charger } = await bootedCharger();
    const { body: login } = await t.call('POST', '/api/v1/auth/dev-login', { body: { name: `card-driver-${mode}-${code}`, role: 'driver' } });
    const token: string = login.token;
    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } })).status).toBe(201);
    const idTag = `CARD-${randomUUID().slice(0, 8)}`;
    expect((await t.call('POST', '/api/v1/admin/id-tags', { token: admin, body: { idTag, userId: login.user.id, reason: 'card handed out' } })).status).toBe(201);

    expect(await charger.call('Authorize', { idTag })).toEqual({ idTagInfo: { status: 'Accepted' } });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    const meterStart = 40_000;
    const start = { connectorId: 1, idTag, meterStart, timestamp: new Date().toISOString() };
    const transaction = await charger.call('StartTransaction', start);
    expect(transaction).toEqual({ transactionId: expect.any(Number), idTagInfo: { status: 'Accepted' } });
    // The charger never saw the answer and sends the same start again: the same transaction, the same session.
    expect(await charger.call('StartTransaction', start)).toEqual(transaction);
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    const { body: mine } = await eventually(() => t.call('GET', '/api/v1/sessions', { token }), (r) => r.body.sessions?.[0]?.status === 'CHARGING');
    expect(mine.sessions).toHaveLength(1);
    const { sessionId } = mine.sessions[0];

    await sleep(1100);
    await charger.call('MeterValues', { connectorId: 1, transactionId: transaction.transactionId, meterValue: [meterValue(Date.now(), meterStart + 20, 50_000)] });
    await sleep(1100);
    await charger.call('StopTransaction', { transactionId: transaction.transactionId, idTag, meterStop: meterStart + 33, timestamp: new Date().toISOString(), reason: 'Local' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const { body: session } = await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'COMPLETED', 60_000);
    expect(session).toMatchObject({ pileId: code, bill: { energyWh: 33 } });
    expect((await t.call('GET', '/api/v1/wallet', { token })).body).toEqual({ balanceFen: 5000 - session.bill.capturedFen, heldFen: 0 });
    expect(charger.received.filter((call) => call.method === 'RemoteStartTransaction')).toEqual([]);

    expect((await t.call('PATCH', `/api/v1/admin/id-tags/${idTag}`, { token: admin, body: { status: 'blocked', reason: 'card reported lost' } })).status).toBe(200);
    expect(await charger.call('Authorize', { idTag })).toEqual({ idTagInfo: { status: 'Blocked' } });
    expect(await charger.call('StartTransaction', { ...start, timestamp: new Date().toISOString() })).toEqual({ transactionId: 0, idTagInfo: { status: 'Blocked' } });
  }, 90_000);

  it('runs operators’ commands as OCPP calls and ends each with the charger’s answer', async () => {
    const { code, charger } = await bootedCharger();
    const command = async (id: string) => (await t.call('GET', `/api/v1/admin/commands/${id}`, { token: admin })).body.command;
    const send = async (body: object) => {
      const commandId = randomUUID();
      expect((await t.call('POST', `/api/v1/admin/piles/${code}/commands`, { token: admin, body: { commandId, ...body } })).status).toBe(202);
      return commandId;
    };

    const reset = await send({ type: 'reset', reason: 'stuck display' });
    expect((await charger.nextCall('Reset')).params).toEqual({ type: 'Soft' });
    expect(await eventually(() => command(reset), (c) => c.state !== 'sent')).toMatchObject({ state: 'accepted' });

    charger.answers.UnlockConnector = { status: 'UnlockFailed' };
    const unlock = await send({ type: 'unlock', connectorId: 1, reason: 'cable stuck' });
    expect((await charger.nextCall('UnlockConnector')).params).toEqual({ connectorId: 1 });
    expect(await eventually(() => command(unlock), (c) => c.state !== 'sent')).toMatchObject({ state: 'rejected', detail: 'UnlockConnector: UnlockFailed' });

    const configure = await send({ type: 'configure', reason: 'quieter heartbeats', params: { heartbeatIntervalS: 120 } });
    expect((await charger.nextCall('ChangeConfiguration')).params).toEqual({ key: 'HeartbeatInterval', value: '120' });
    expect(await eventually(() => command(configure), (c) => c.state !== 'sent')).toMatchObject({ state: 'accepted' });
  });

  /** An operator's command to the pile `code`; its id, to follow the command's record. */
  async function sendCommand(code: string, body: object): Promise<string> {
    const commandId = randomUUID();
    const sent = await t.call('POST', `/api/v1/admin/piles/${code}/commands`, { token: admin, body: { commandId, ...body } });
    expect(sent.status).toBe(202);
    return commandId;
  }
  const commandOutcome = (id: string) => eventually(async () => (await t.call('GET', `/api/v1/admin/commands/${id}`, { token: admin })).body.command, (c) => c.state !== 'sent');

  it('reads and changes any configuration key, availability and triggered messages of a charger as tracked commands', async () => {
    const { code, charger } = await bootedCharger();

    charger.answers.GetConfiguration = {
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '60' },
        { key: 'NumberOfConnectors', readonly: true, value: '1' },
      ],
      unknownKey: ['NoSuchKey'],
    };
    const read = await sendCommand(code, { type: 'getConfig', reason: 'check the charger', params: { keys: 'HeartbeatInterval,NumberOfConnectors,NoSuchKey' } });
    expect((await charger.nextCall('GetConfiguration')).params).toEqual({ key: ['HeartbeatInterval', 'NumberOfConnectors', 'NoSuchKey'] });
    expect(await commandOutcome(read)).toMatchObject({ state: 'accepted', detail: 'HeartbeatInterval=60; NumberOfConnectors=1 (ro); unknown: NoSuchKey' });

    charger.answers.ChangeConfiguration = { status: 'RebootRequired' };
    const change = await sendCommand(code, { type: 'changeConfig', reason: 'denser meter values', params: { key: 'MeterValueSampleInterval', value: '30' } });
    expect((await charger.nextCall('ChangeConfiguration')).params).toEqual({ key: 'MeterValueSampleInterval', value: '30' });
    expect(await commandOutcome(change)).toMatchObject({ state: 'accepted', detail: 'ChangeConfiguration: RebootRequired' });

    charger.answers.ChangeAvailability = { status: 'Rejected' };
    const inoperative = await sendCommand(code, { type: 'availability', connectorId: 1, reason: 'broken holster', params: { availability: 'Inoperative' } });
    expect((await charger.nextCall('ChangeAvailability')).params).toEqual({ connectorId: 1, type: 'Inoperative' });
    expect(await commandOutcome(inoperative)).toMatchObject({ state: 'rejected', detail: 'ChangeAvailability: Rejected' });

    const trigger = await sendCommand(code, { type: 'trigger', reason: 'refresh the status', params: { message: 'StatusNotification', connectorId: 1 } });
    expect((await charger.nextCall('TriggerMessage')).params).toEqual({ requestedMessage: 'StatusNotification', connectorId: 1 });
    expect(await commandOutcome(trigger)).toMatchObject({ state: 'accepted' });
    // The charger then sends what was asked for, as any StatusNotification.
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Unavailable' });
  });

  it('sets and clears a charger’s charging profiles as operator commands', async () => {
    const { code, charger } = await bootedCharger();

    const cap = await sendCommand(code, { type: 'setProfile', reason: 'grid limit at the site', params: { purpose: 'ChargePointMaxProfile', limit: 22_000, unit: 'W' } });
    const set = await charger.nextCall('SetChargingProfile');
    expect(set.params).toMatchObject({
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'ChargePointMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 22_000 }] },
      },
    });
    expect(await commandOutcome(cap)).toMatchObject({ state: 'accepted' });

    charger.answers.SetChargingProfile = { status: 'NotSupported' };
    const perTransaction = await sendCommand(code, { type: 'setProfile', connectorId: 1, reason: 'slow default', params: { purpose: 'TxDefaultProfile', limit: 16, unit: 'A' } });
    expect((await charger.nextCall('SetChargingProfile')).params).toMatchObject({ connectorId: 1, csChargingProfiles: { chargingProfileId: 2, chargingProfilePurpose: 'TxDefaultProfile' } });
    expect(await commandOutcome(perTransaction)).toMatchObject({ state: 'rejected', detail: 'SetChargingProfile: NotSupported' });

    const clear = await sendCommand(code, { type: 'clearProfile', reason: 'grid limit lifted', params: { purpose: 'ChargePointMaxProfile' } });
    expect((await charger.nextCall('ClearChargingProfile')).params).toEqual({ chargingProfilePurpose: 'ChargePointMaxProfile' });
    expect(await commandOutcome(clear)).toMatchObject({ state: 'accepted' });
  });

  it('refuses OCPP-only commands for an MQTT pile and bad OCPP params before sending anything', async () => {
    const mqttPile = t.takePile('slow');
    const refused = await t.call('POST', `/api/v1/admin/piles/${mqttPile}/commands`, { token: admin, body: { type: 'getConfig', reason: 'curious' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('OCPP 1.6 command') });

    const { code, charger } = await bootedCharger();
    const badLimit = await t.call('POST', `/api/v1/admin/piles/${code}/commands`, {
      token: admin,
      body: { type: 'setProfile', reason: 'too much', params: { purpose: 'ChargePointMaxProfile', limit: 5_000, unit: 'A' } },
    });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'params.limit' });
    const wattsByConfigure = await t.call('POST', `/api/v1/admin/piles/${code}/commands`, { token: admin, body: { type: 'configure', reason: 'cap', params: { maxPowerW: 60_000 } } });
    expect(wattsByConfigure.status).toBe(409);
    await sleep(300);
    expect(charger.received).toEqual([]);
  });

  /** A station of its own, so a power cap on it reaches no other test's chargers. */
  async function aCappableStation(): Promise<string> {
    const { body: home } = await t.call('GET', `/api/v1/admin/stations/${t.stationId}`, { token: admin });
    const stationId = `st-cap-${mode === 'embedded' ? 'e' : 'r'}-${randomUUID().slice(0, 8)}`;
    const station = await t.call('POST', '/api/v1/admin/stations', {
      token: admin,
      body: { id: stationId, name: 'Capped hub', address: 'Grid road 1', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: home.station.tariffId },
    });
    expect(station.status).toBe(201);
    return stationId;
  }

  /** What a charger is told its ChargePointMaxProfile limit is, in W. */
  const capLimitOf = async (charger: TestCharger) => {
    const { params } = await charger.nextCall('SetChargingProfile');
    expect(params).toMatchObject({ connectorId: 0, csChargingProfiles: { chargingProfilePurpose: 'ChargePointMaxProfile', chargingSchedule: { chargingRateUnit: 'W' } } });
    return params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit;
  };

  it('shares a station’s power cap between its OCPP chargers, counting offline ones and skipping them', async () => {
    const stationId = await aCappableStation();
    const first = await bootedCharger(stationId);
    const second = await bootedCharger(stationId);
    const { code: offline } = await addCharger(stationId);

    const capped = await t.call('POST', `/api/v1/admin/stations/${stationId}/power-cap`, { token: admin, body: { capW: 60_000, reason: 'transformer limit' } });
    expect(capped.status).toBe(202);
    expect(capped.body.powerCap).toMatchObject({ stationId, capW: 60_000, chargers: 3, limitW: 20_000, skipped: [{ pileCode: offline }] });
    expect(capped.body.powerCap.commands.map((c: { pileCode: string }) => c.pileCode).sort()).toEqual([first.code, second.code].sort());
    for (const { charger } of [first, second]) {
      expect((await charger.nextCall('SetChargingProfile')).params).toMatchObject({
        connectorId: 0,
        csChargingProfiles: { chargingProfilePurpose: 'ChargePointMaxProfile', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 20_000 }] } },
      });
    }
    for (const { commandId } of capped.body.powerCap.commands) expect(await commandOutcome(commandId)).toMatchObject({ state: 'accepted' });

    const tooSmall = await t.call('POST', `/api/v1/admin/stations/${stationId}/power-cap`, { token: admin, body: { capW: 10, reason: 'typo' } });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.error).toMatchObject({ field: 'capW' });
  });

  it('stores a station’s power cap: a charger added later shrinks every share, a charger that boots gets its share, and clearing it clears theirs', async () => {
    const stationId = await aCappableStation();
    const first = await bootedCharger(stationId);
    const capped = await t.call('POST', `/api/v1/admin/stations/${stationId}/power-cap`, { token: admin, body: { capW: 50_000, reason: 'transformer limit' } });
    expect(capped.body.powerCap).toMatchObject({ chargers: 1, limitW: 50_000 });
    expect(await capLimitOf(first.charger)).toBe(50_000);

    const second = await addCharger(stationId, 2);
    expect(second.answer.powerCap).toMatchObject({ capW: 50_000, chargers: 2, limitW: 25_000, skipped: [{ pileCode: second.piles[0] }] });
    expect(await capLimitOf(first.charger)).toBe(25_000);
    const secondCharger = await connect(second.code, second.password);
    expect(await secondCharger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'twin' })).toMatchObject({ status: 'Accepted' });
    expect(await capLimitOf(secondCharger)).toBe(25_000);
    for (const connectorId of [1, 2]) await secondCharger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' });
    await eventually(() => pileStatus(second.piles[0]), (s) => s === 'idle');
    expect((await t.call('GET', `/api/v1/admin/stations/${stationId}/power-cap`, { token: admin })).body.powerCap).toMatchObject({ capW: 50_000, reason: 'transformer limit' });

    const cleared = await t.call('DELETE', `/api/v1/admin/stations/${stationId}/power-cap?reason=${encodeURIComponent('grid upgraded')}`, { token: admin });
    expect(cleared.body.powerCap).toMatchObject({ capW: 0, chargers: 2, skipped: [] });
    for (const charger of [first.charger, secondCharger]) {
      expect((await charger.nextCall('ClearChargingProfile')).params).toEqual({ chargingProfilePurpose: 'ChargePointMaxProfile' });
    }
    expect((await t.call('GET', `/api/v1/admin/stations/${stationId}/power-cap`, { token: admin })).body.powerCap).toBeNull();
    await secondCharger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'twin' });
    await sleep(500);
    expect(secondCharger.received.filter((c) => c.method === 'SetChargingProfile')).toEqual([]);
  });

  it('charges an OCPP charger and an MQTT pile side by side, each billed by its own meter', async () => {
    const { code, charger } = await bootedCharger();
    const mqttPile = t.takePile('fast');
    await eventually(() => pileStatus(mqttPile), (s) => s === 'idle');
    const mqttDriver = await t.login(`mqtt-side-driver-${mode}`);
    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token: mqttDriver, body: { amountFen: 5000 } })).status).toBe(201);
    const mqttSession: string = (await t.call('POST', '/api/v1/sessions', { token: mqttDriver, body: { pileCode: mqttPile } })).body.sessionId;

    const meterStart = 7_000;
    const { token, sessionId, transactionId } = await startedSession(code, charger, meterStart);
    await sleep(1100);
    await charger.call('MeterValues', { connectorId: 1, transactionId, meterValue: [meterValue(Date.now(), meterStart + 30, 90_000)] });
    await eventually(() => t.call('GET', `/api/v1/sessions/${mqttSession}`, { token: mqttDriver }), (r) => r.body.status === 'CHARGING' && r.body.energyWh > 0);

    expect((await t.call('POST', `/api/v1/sessions/${mqttSession}/stop`, { token: mqttDriver })).status).toBe(200);
    expect((await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    await charger.nextCall('RemoteStopTransaction');
    // Late enough after the last sample for 12 Wh more to be physically plausible at the charger's rated power.
    await sleep(1100);
    await charger.call('StopTransaction', { transactionId, meterStop: meterStart + 42, timestamp: new Date().toISOString(), reason: 'Remote' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Finishing' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

    const completed = (id: string, as: string) => eventually(() => t.call('GET', `/api/v1/sessions/${id}`, { token: as }), (r) => r.body.status === 'COMPLETED', 60_000);
    const [{ body: ocppBill }, { body: mqttBill }] = await Promise.all([completed(sessionId, token), completed(mqttSession, mqttDriver)]);
    expect(ocppBill.bill.energyWh).toBe(42);
    expect(mqttBill.bill.energyWh).toBe(mqttBill.energyWh);
    expect(mqttBill.bill.energyWh).toBeGreaterThan(0);
  }, 90_000);
  it('lets no charger meter or stop another charger’s transaction, and survives malformed calls', async () => {
    const { code, charger } = await bootedCharger();
    const { token, sessionId, transactionId } = await startedSession(code, charger, 3_000);
    const { charger: intruder } = await bootedCharger();

    await intruder.call('MeterValues', { connectorId: 1, transactionId, meterValue: [meterValue(Date.now(), 3_000_000, 50_000)] });
    expect(await intruder.call('StopTransaction', { transactionId, meterStop: 3_000_000, timestamp: new Date().toISOString() })).toEqual({ idTagInfo: { status: 'Invalid' } });
    // Not schema-valid OCPP: answered with a CALLERROR (ocpp-rpc's strict mode), and the connection goes on.
    intruder.rpc.sendRaw(JSON.stringify([2, 'bad-1', 'StartTransaction', { connectorId: 'one', idTag: 'x', meterStart: -1 }]));
    expect(await intruder.call('Heartbeat', {})).toMatchObject({ currentTime: expect.any(String) });

    await sleep(1500);
    const { body: session } = await t.call('GET', `/api/v1/sessions/${sessionId}`, { token });
    expect(session).toMatchObject({ status: 'CHARGING', energyWh: 0 });
  }, 60_000);
});
