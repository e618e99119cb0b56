import { randomUUID } from 'node:crypto';
import { pileCommandStateQuery, pileCommandWorkflowId } from '../../workflows/pile-command.messages';
import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';

/**
 * Operators' commands through the real API, worker, gateway and simulated piles on MariaDB, Redis, Mosquitto and a
 * Temporal dev server: each command is a workflow the pile answers over MQTT, and its record follows.
 */
describe('operator commands to simulated piles', () => {
  let t: TestSystem;
  let operator: string;

  beforeAll(async () => {
    t = await startTestSystem('real services', {
      SIM_PILES: '4',
      SIM_TELEMETRY_INTERVAL_MS: '100',
      CHECKPOINT_INTERVAL_SECONDS: '1',
      START_ACK_TIMEOUT_SECONDS: '3',
      STOP_ACK_TIMEOUT_SECONDS: '3',
      AUTH_DEV_LOGIN_STAFF: 'true',
    });
    await Promise.all(t.system.fleet!.pileIds.map((id) => eventually(() => pileStatus(id), (s) => s === 'idle')));
    operator = await t.login('night-operator', 'operator');
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const pileStatus = async (code: string) => (await t.call('GET', `/api/v1/piles/${code}`)).body.pile?.status;
  const simulated = (code: string) => t.system.fleet!.pile(code);
  const command = async (id: string) => (await t.call('GET', `/api/v1/admin/commands/${id}`, { token: operator })).body.command;
  const settled = (id: string) => eventually(() => command(id), (c) => c.state !== 'sent', 30_000);

  async function send(pileCode: string, body: object) {
    const answer = await t.call('POST', `/api/v1/admin/piles/${pileCode}/commands`, { token: operator, body: { commandId: randomUUID(), ...body } });
    expect(answer.status).toBe(202);
    return answer.body.command as { commandId: string; state: string };
  }

  it('a configure acknowledged by the pile ends accepted, and the pile runs with the new settings', async () => {
    const pileCode = t.takePile('fast');
    const sent = await send(pileCode, { type: 'configure', reason: 'grid limit tonight', params: { maxPowerW: 50_000, heartbeatIntervalS: 10, displayPriceFenPerKwh: 160 } });

    const done = await settled(sent.commandId);

    expect(done).toMatchObject({ state: 'accepted', attempts: 1, detail: 'acknowledged by the pile' });
    expect(simulated(pileCode).ratedPowerW).toBe(50_000);
    expect(simulated(pileCode).heartbeatIntervalMs).toBe(10_000);
    expect(simulated(pileCode).display.priceFenPerKwh).toBe(160);
    const view = await t.temporal.workflow.getHandle(pileCommandWorkflowId(sent.commandId)).query(pileCommandStateQuery);
    expect(view.state).toBe('accepted');
  });

  it('a reset clears a faulted pile and ends accepted', async () => {
    const pileCode = t.takePile('slow');
    simulated(pileCode).fault('GROUND_FAULT');
    await eventually(() => pileStatus(pileCode), (s) => s === 'fault');

    const sent = await send(pileCode, { type: 'reset', reason: 'fault cleared on site' });

    expect(await settled(sent.commandId)).toMatchObject({ state: 'accepted' });
    await eventually(() => pileStatus(pileCode), (s) => s === 'idle');
  });

  it("an unlock the pile refuses ends rejected with the pile's reason", async () => {
    const pileCode = t.takePile('slow');
    // A simulated pile has one connector: the API lets connector 2 through (piles have up to 8), the pile says no.
    const sent = await send(pileCode, { type: 'unlock', connectorId: 2, reason: 'wrong connector' });

    expect(await settled(sent.commandId)).toMatchObject({ state: 'rejected', detail: 'unknown_connector' });
  });

  it('a start on behalf of a driver runs their session; a stop ends it STAFF_STOPPED; both commands follow it', async () => {
    const pileCode = t.takePile('fast');
    const { body: signedIn } = await t.call('POST', '/api/v1/auth/dev-login', { body: { name: 'phoned-in-driver', role: 'driver' } });
    await t.call('POST', '/api/v1/wallet/top-ups', { token: signedIn.token, body: { amountFen: 5000 } });

    const start = await send(pileCode, { type: 'start', driverId: signedIn.user.id, reason: 'driver app broken, called support' });
    const started = await settled(start.commandId);
    expect(started).toMatchObject({ state: 'accepted', sessionId: expect.any(String) });
    const session = await t.call('GET', `/api/v1/sessions/${started.sessionId}`, { token: signedIn.token });
    expect(session.body).toMatchObject({ userId: signedIn.user.id, status: 'CHARGING' });

    const stop = await send(pileCode, { type: 'stop', reason: 'driver asked us to stop' });
    expect(await settled(stop.commandId)).toMatchObject({ state: 'accepted', sessionId: started.sessionId });
    const ended = await eventually(() => t.call('GET', `/api/v1/sessions/${started.sessionId}`, { token: signedIn.token }), (r) => r.body.status === 'COMPLETED', 30_000);
    expect(ended.body.endReason).toBe('STAFF_STOPPED');
  });
});
