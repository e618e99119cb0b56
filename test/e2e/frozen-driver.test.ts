import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';

describe('a driver frozen while charging (real services)', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem('real services', { CHECKPOINT_INTERVAL_SECONDS: '1', AUTH_DEV_LOGIN_STAFF: 'true', SIM_PILES: '4' });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('finishes and bills the running session, refuses a new one, and still lets the driver withdraw', async () => {
    const token = await t.login('frozen-while-charging');
    const support = await t.login('freeze-support', 'support');
    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } })).status).toBe(201);
    const pileCode = t.takePile('fast');
    await eventually(() => t.call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');

    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode } });
    expect(started.status).toBe(201);
    const sessionId = started.body.sessionId;
    await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'CHARGING' && r.body.energyWh > 0);

    const driverId = (await t.call('GET', '/api/v1/me', { token })).body.id;
    expect((await t.call('POST', `/api/v1/admin/users/${driverId}/freeze`, { token: support, body: { reason: 'chargeback fraud' } })).status).toBe(200);

    const another = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode: t.takePile('fast') } });
    expect(another.status).toBe(403);
    expect(another.body.error.code).toBe('ACCOUNT_FROZEN');

    expect((await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    const { body: session } = await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.status === 'COMPLETED', 60_000);
    expect(session.bill.energyWh).toBeGreaterThan(0);
    expect(session.bill.totalFen).toBeGreaterThan(0);

    const { body: wallet } = await t.call('GET', '/api/v1/wallet', { token });
    expect(wallet).toEqual({ balanceFen: 5000 - session.bill.totalFen, heldFen: 0 });
    const withdrawal = await t.call('POST', '/api/v1/wallet/withdrawals', { token, body: { amountFen: wallet.balanceFen } });
    expect(withdrawal.status).toBe(201);
    expect(withdrawal.body.wallet.balanceFen).toBe(0);
  }, 180_000);
});
