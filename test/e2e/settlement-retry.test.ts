import mysql from 'mysql2/promise';
import type { PaymentProvider } from '../../activities/ports';
import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';

/** The payment provider in front of the wallet goes down and comes back, as a real one would. */
class PaymentOutage {
  down = false;

  wrap = (real: PaymentProvider): PaymentProvider => ({
    authorize: (request) => real.authorize(request),
    release: (sessionId) => real.release(sessionId),
    capture: async (request) => {
      if (this.down) throw new Error('payment provider unreachable');
      return real.capture(request);
    },
  });
}

describe('a settlement that fails and is retried by support', () => {
  const outage = new PaymentOutage();
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem('real services', { SIM_PILES: '2', SIM_TELEMETRY_INTERVAL_MS: '100', CHECKPOINT_INTERVAL_SECONDS: '1', AUTH_DEV_LOGIN_STAFF: 'true' }, { wrapPayments: outage.wrap });
    await eventually(() => t.call('GET', `/api/v1/piles/${t.stationId}-p01`), (r) => r.body.pile?.status === 'idle');
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('waits in SETTLEMENT_FAILED holding the money, then settles exactly once when support retries', async () => {
    const driver = await t.login('unlucky-driver');
    const support = await t.login('support-agent', 'support');
    await t.call('POST', '/api/v1/wallet/top-ups', { token: driver, body: { amountFen: 4000 } });
    const { body: started } = await t.call('POST', '/api/v1/sessions', { token: driver, body: { pileCode: `${t.stationId}-p01` } });
    const id = started.sessionId;
    await eventually(() => t.call('GET', `/api/v1/sessions/${id}`, { token: driver }), (r) => r.body.energyWh > 0);

    outage.down = true;
    await t.call('POST', `/api/v1/sessions/${id}/stop`, { token: driver });
    const failed = await eventually(() => t.call('GET', `/api/v1/sessions/${id}`, { token: driver }), (r) => r.body.status === 'SETTLEMENT_FAILED', 60_000);
    expect(failed.body.reviewReason).toContain('payment provider unreachable');
    expect((await t.call('GET', '/api/v1/wallet', { token: driver })).body).toEqual({ balanceFen: 0, heldFen: 4000 });
    await eventually(() => t.call('GET', `/api/v1/piles/${t.stationId}-p01`), (r) => r.body.pile.status === 'idle');

    expect((await t.call('GET', '/api/v1/admin/sessions?status=SETTLEMENT_FAILED', { token: driver })).status).toBe(403);
    const queue = await t.call('GET', '/api/v1/admin/sessions?status=SETTLEMENT_FAILED', { token: support });
    expect(queue.body.sessions.map((s: any) => s.sessionId)).toEqual([id]);
    const metrics = await (await fetch(`${t.api}/metrics`)).text();
    expect(metrics).toMatch(/^evcp_sessions_settlement_failed 1$/m);
    expect((await t.call('POST', `/api/v1/admin/sessions/${id}/retry-settlement`, { token: driver })).status).toBe(403);

    outage.down = false;
    const retries = await Promise.all([1, 2].map(() => t.call('POST', `/api/v1/admin/sessions/${id}/retry-settlement`, { token: support })));
    expect(retries.map((r) => r.status).sort()).toEqual([202, 409]);
    // The workflow's state moves before its transition is recorded: wait for the record too, as session-branches does.
    const done = await eventually(() => t.call('GET', `/api/v1/sessions/${id}`, { token: driver }), (r) => r.body.status === 'COMPLETED' && r.body.timeline.at(-1)?.to === 'COMPLETED');
    expect((await t.call('POST', `/api/v1/admin/sessions/${id}/retry-settlement`, { token: support })).status).toBe(409);
    const audit = await t.call('GET', `/api/v1/admin/audit?action=session.retry-settlement&target=session:${id}`, { token: support });
    expect(audit.body.entries.map((e: any) => [e.actorName, e.result]).sort()).toEqual([
      ['support-agent', 'SESSION_STATE_CONFLICT'],
      ['support-agent', 'SESSION_STATE_CONFLICT'],
      ['support-agent', 'ok'],
    ]);

    const bill = done.body.bill;
    expect(done.body.timeline.map((e: any) => e.to).slice(-4)).toEqual(['SETTLING', 'SETTLEMENT_FAILED', 'SETTLING', 'COMPLETED']);
    expect(done.body.timeline.find((e: any) => e.from === 'SETTLEMENT_FAILED').reason).toBe('retried by support:support-agent');
    expect((await t.call('GET', '/api/v1/wallet', { token: driver })).body).toEqual({ balanceFen: 4000 - bill.capturedFen, heldFen: 0 });
    const sql = await mysql.createConnection(t.databaseUrl!);
    const [orders] = await sql.query<mysql.RowDataPacket[]>('SELECT captured_fen FROM orders WHERE session_id = ?', [id]);
    await sql.end();
    expect(orders.map((o) => o.captured_fen)).toEqual([bill.capturedFen]);
  }, 120_000);
});
