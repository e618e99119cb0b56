import { sessionStateQuery, sessionWorkflowId } from '../../workflows/charging-session.messages';
import { eventually } from '../support/live-client';
import { ISO_8601 } from '../support/builders';
import { type TestSystem, startTestSystem } from '../support/system-harness';

/**
 * Every branch of a session through the real API, gateway, worker and simulator on MariaDB, Redis,
 * Mosquitto and a Temporal dev server. Timeouts are shortened so each branch ends in seconds.
 */
describe('charging session branches through the API with simulated piles', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem('real services', {
      SIM_PILES: '14',
      SIM_TELEMETRY_INTERVAL_MS: '100',
      CHECKPOINT_INTERVAL_SECONDS: '1',
      START_ACK_TIMEOUT_SECONDS: '2',
      STOP_ACK_TIMEOUT_SECONDS: '2',
      PILE_SILENCE_TIMEOUT_SECONDS: '3',
      AUTH_DEV_LOGIN_STAFF: 'true',
    });
    await Promise.all(t.system.fleet!.pileIds.map((id) => eventually(() => pileStatus(id), (s) => s === 'idle')));
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const pileStatus = async (code: string) => (await t.call('GET', `/api/v1/piles/${code}`)).body.pile?.status;
  const simulated = (code: string) => t.system.fleet!.pile(code);

  async function driverWith(name: string, balanceFen: number) {
    const token = await t.login(name);
    if (balanceFen > 0) await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: balanceFen } });
    return token;
  }

  const session = async (token: string, id: string) => (await t.call('GET', `/api/v1/sessions/${id}`, { token })).body;
  /** The workflow's own state, without the REST view's overlay of live progress the workflow has not seen yet. */
  const workflowState = (id: string) => t.temporal.workflow.getHandle(sessionWorkflowId(id)).query(sessionStateQuery);
  const settled = (token: string, id: string, status = 'COMPLETED') => eventually(() => session(token, id), (s) => s.status === status && s.timeline.at(-1)?.to === status, 30_000);
  const wallet = async (token: string) => (await t.call('GET', '/api/v1/wallet', { token })).body;

  async function startCharging(token: string, pileCode: string, limits = {}) {
    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode, limits } });
    expect(started.status).toBe(201);
    return started.body.sessionId as string;
  }

  it('holds a reserved pile against everyone else until its driver starts it', async () => {
    const pileCode = t.takePile('fast');
    const owner = await driverWith('reserving-driver', 3000);
    const other = await driverWith('other-driver', 3000);
    const reserved = await t.call('POST', '/api/v1/sessions', { token: owner, body: { pileCode, reserve: true } });
    expect(reserved.status).toBe(201);
    expect(reserved.body).toMatchObject({ status: 'RESERVED', reservedUntil: expect.stringMatching(ISO_8601) });
    const sessionId = reserved.body.sessionId;

    await eventually(() => pileStatus(pileCode), (s) => s === 'reserved');
    for (const reserve of [false, true]) {
      const attempt = await t.call('POST', '/api/v1/sessions', { token: other, body: { pileCode, reserve } });
      expect(attempt.status).toBe(409);
      expect(attempt.body.error.code).toBe('PILE_BUSY');
    }
    expect((await t.call('POST', `/api/v1/sessions/${sessionId}/start`, { token: other })).status).toBe(404);

    const started = await t.call('POST', `/api/v1/sessions/${sessionId}/start`, { token: owner });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('STARTING');
    await eventually(() => session(owner, sessionId), (s) => s.status === 'CHARGING');
    await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token: owner });
    const done = await settled(owner, sessionId);
    expect(done.timeline.map((e: any) => e.to)).toEqual(['RESERVED', 'AUTHORIZING', 'STARTING', 'CHARGING', 'STOPPING', 'SETTLING', 'COMPLETED']);
  }, 60_000);

  it('releases the pile when the driver cancels a reservation, holding no money', async () => {
    const pileCode = t.takePile();
    const token = await driverWith('cancelling-driver', 3000);
    const { body } = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode, reserve: true } });
    const cancelled = await t.call('POST', `/api/v1/sessions/${body.sessionId}/cancel`, { token });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', endReason: 'RESERVATION_CANCELLED' });
    expect(await wallet(token)).toEqual({ balanceFen: 3000, heldFen: 0 });
    await eventually(() => pileStatus(pileCode), (s) => s === 'idle');
    expect((await t.call('POST', `/api/v1/sessions/${body.sessionId}/cancel`, { token })).status).toBe(409);
  }, 60_000);

  it('declines an insufficient balance with 402 before any command reaches the pile', async () => {
    const pileCode = t.takePile();
    const token = await driverWith('poor-driver', 500);
    const attempt = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode } });
    expect(attempt.status).toBe(402);
    expect(attempt.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', message: expect.stringContaining('500 fen') });
    expect(simulated(pileCode).state).toBe('idle');
    expect(simulated(pileCode).sessionId).toBeUndefined();
    expect(await wallet(token)).toEqual({ balanceFen: 500, heldFen: 0 });
    await eventually(() => pileStatus(pileCode), (s) => s === 'idle');
  }, 60_000);

  it.each([
    ['refuses the start', 'refuse-start', 'START_REFUSED'],
    ['never acknowledges the start', 'ignore-commands', 'START_NOT_ACKNOWLEDGED'],
  ] as const)('ends as start failed and gives back the hold when the pile %s', async (_, behaviour, reason) => {
    const pileCode = t.takePile();
    simulated(pileCode).behaviour = behaviour;
    const token = await driverWith(`driver-${behaviour}`, 3000);
    const sessionId = await startCharging(token, pileCode);
    const ended = await settled(token, sessionId, 'START_FAILED');
    simulated(pileCode).behaviour = 'normal';
    expect(ended.endReason).toBe(reason);
    expect(await wallet(token)).toEqual({ balanceFen: 3000, heldFen: 0 });
    await eventually(() => pileStatus(pileCode), (s) => s === 'idle');
  }, 60_000);

  it('ends with what was metered when the pile faults while charging', async () => {
    const pileCode = t.takePile('fast');
    const token = await driverWith('fault-driver', 3000);
    const sessionId = await startCharging(token, pileCode);
    const charging = await eventually(() => session(token, sessionId), (s) => s.status === 'CHARGING' && s.energyWh > 0);
    simulated(pileCode).fault('OVER_TEMPERATURE');
    const meterAtFault = simulated(pileCode).energyRegisterWh;
    const done = await settled(token, sessionId);
    expect(done).toMatchObject({ endReason: 'PILE_FAULT', energyWh: meterAtFault - charging.meterStartWh });
    expect((await wallet(token)).balanceFen).toBe(3000 - done.bill.capturedFen);
    simulated(pileCode).clearFault();
  }, 60_000);

  it('ends with the last checkpoint when the pile goes silent', async () => {
    const pileCode = t.takePile('fast');
    const token = await driverWith('silence-driver', 3000);
    const sessionId = await startCharging(token, pileCode);
    await eventually(() => workflowState(sessionId), (s) => s.status === 'CHARGING' && s.energyWh > 0);
    simulated(pileCode).goSilent();
    const done = await settled(token, sessionId);
    simulated(pileCode).resume();
    expect(done.endReason).toBe('PILE_SILENT');
    expect(done.bill.energyWh).toBe(done.energyWh);
    expect(done.energyWh).toBeGreaterThan(0);
  }, 60_000);

  it('ends when the driver unplugs the cable, billing the final meter', async () => {
    const pileCode = t.takePile('fast');
    const token = await driverWith('unplug-driver', 3000);
    const sessionId = await startCharging(token, pileCode);
    const charging = await eventually(() => session(token, sessionId), (s) => s.status === 'CHARGING' && s.energyWh > 0);
    simulated(pileCode).unplug();
    const meterStop = simulated(pileCode).energyRegisterWh;
    const done = await settled(token, sessionId);
    expect(done).toMatchObject({ endReason: 'PILE_STOPPED', energyWh: meterStop - charging.meterStartWh, needsReview: false });
  }, 60_000);

  it('settles from the last checkpoint and flags review when the pile never confirms the stop', async () => {
    const pileCode = t.takePile('fast');
    const token = await driverWith('unconfirmed-stop-driver', 3000);
    const sessionId = await startCharging(token, pileCode);
    await eventually(() => session(token, sessionId), (s) => s.status === 'CHARGING' && s.energyWh > 0);
    simulated(pileCode).behaviour = 'ignore-commands';
    await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token });
    const done = await settled(token, sessionId);
    simulated(pileCode).behaviour = 'normal';
    await t.call('GET', `/api/v1/sessions/${sessionId}`, { token });
    expect(done).toMatchObject({ endReason: 'DRIVER_STOPPED', needsReview: true });
    const review = await t.call('GET', '/api/v1/admin/sessions?needsReview=true', { token: await t.login('ops', 'operator') });
    expect(review.body.sessions.map((s: any) => s.sessionId)).toContain(sessionId);
  }, 60_000);

  it("records who stopped someone else's session and why, ends it STAFF_STOPPED and flags it for review", async () => {
    const pileCode = t.takePile('fast');
    const driver = await driverWith('driver-stopped-by-staff', 3000);
    const sessionId = await startCharging(driver, pileCode);
    await eventually(() => session(driver, sessionId), (s) => s.status === 'CHARGING' && s.energyWh > 0);
    const operator = await t.login('stopping-operator', 'operator');
    const operatorId = (await t.call('GET', '/api/v1/me', { token: operator })).body.id;

    const withoutReason = await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token: operator, body: {} });
    expect(withoutReason.status).toBe(400);
    expect(withoutReason.body.error.field).toBe('reason');
    const bySupport = await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token: await t.login('support-no-stop', 'support'), body: { reason: 'trying' } });
    expect(bySupport.status).toBe(403);
    const stopped = await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token: operator, body: { reason: 'connector overheating reported on site' } });
    expect(stopped.status).toBe(200);

    const done = await settled(driver, sessionId);
    expect(done).toMatchObject({ endReason: 'STAFF_STOPPED', needsReview: true });
    expect(done.reviewReason).toContain(operatorId);
    expect(done.reviewReason).toContain('connector overheating reported on site');
    expect(await wallet(driver)).toEqual({ balanceFen: 3000 - done.bill.capturedFen, heldFen: 0 });
    const audit = await t.call('GET', `/api/v1/admin/audit?target=session:${sessionId}`, { token: await t.login('auditing-admin', 'admin') });
    expect(audit.body.entries.map((e: any) => [e.actorRole, e.action, e.reason, e.result]).reverse()).toEqual([
      ['operator', 'session.stop', null, 'VALIDATION_FAILED'],
      ['support', 'session.stop', 'trying', 'FORBIDDEN'],
      ['operator', 'session.stop', 'connector overheating reported on site', 'ok'],
    ]);
  }, 60_000);

  it('stops by itself when the driver energy target is reached', async () => {
    const pileCode = t.takePile('fast');
    const token = await driverWith('target-driver', 3000);
    const sessionId = await startCharging(token, pileCode, { targetEnergyWh: 60 });
    const done = await settled(token, sessionId);
    expect(done.endReason).toBe('TARGET_ENERGY_REACHED');
    expect(done.energyWh).toBeGreaterThanOrEqual(60);
  }, 60_000);

  it('lets an operator find the session in Temporal by its search attributes', async () => {
    const pileCode = t.takePile();
    const token = await driverWith('visible-driver', 3000);
    const sessionId = await startCharging(token, pileCode);
    await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token });
    await settled(token, sessionId);
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of t.temporal.workflow.list({ query: `PileId = "${pileCode}" AND SessionStatus = "COMPLETED"` })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(found).toEqual([`charging-session-${sessionId}`]);
  }, 60_000);

  it('answers bad input with a 400 that names the field and changes nothing', async () => {
    const token = await driverWith('careless-driver', 3000);
    const cases = [
      [{ pileCode: '' }, 'pileCode'],
      [{ pileCode: `${t.stationId}-p01`, limits: { maxAmountFen: 12.5 } }, 'limits.maxAmountFen'],
      [{ pileCode: `${t.stationId}-p01`, limits: { targetSocPercent: 120 } }, 'limits.targetSocPercent'],
      [{ pileCode: `${t.stationId}-p01`, limits: { unknown: 1 } }, 'limits'],
    ] as const;
    for (const [body, field] of cases) {
      const response = await t.call('POST', '/api/v1/sessions', { token, body });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    const malformed = await t.call('POST', '/api/v1/sessions', { token, body: '{"pileCode":' });
    expect(malformed.status).toBe(400);
    expect((await t.call('GET', '/api/v1/sessions', { token })).body.sessions).toEqual([]);
    expect(await wallet(token)).toEqual({ balanceFen: 3000, heldFen: 0 });
  }, 60_000);
});
