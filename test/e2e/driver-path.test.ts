import { priceEnergy } from '../../domain/money';
import { LiveClient, eventually } from '../support/live-client';
import { type Mode, type TestSystem, startTestSystem } from '../support/system-harness';

describe.each<Mode>(['real services', 'embedded'])('a driver charging on a simulated pile (%s)', (mode) => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem(mode, { CHECKPOINT_INTERVAL_SECONDS: '1' });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('tops up, starts, watches live progress, stops, and pays exactly the tariff of the metered energy', async () => {
    const pileCode = `${t.stationId}-p01`;
    const token = await t.login(`driver-${mode}`);
    const topUp = await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } });
    expect(topUp.status).toBe(201);
    await eventually(() => t.call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');

    const live = await LiveClient.connect(t.api, token);
    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'STARTING', heldFen: 5000 });
    const sessionId = started.body.sessionId;
    live.send({ type: 'subscribe', sessionId });

    await live.waitFor((m) => m.type === 'session.status' && m.status === 'CHARGING');
    const progressCount = () => live.messages.filter((m) => m.type === 'session.progress').length;
    await eventually(async () => progressCount(), (n) => n >= 5);
    const progress = live.messages.filter((m) => m.type === 'session.progress');
    expect(progress[progress.length - 1].energyWh).toBeGreaterThan(progress[0].energyWh);
    expect(progress[progress.length - 1]).toMatchObject({ sessionId, powerW: expect.any(Number), costFen: expect.any(Number), elapsedSeconds: expect.any(Number) });

    // Without a socket (REST fallback), progress is at most a few seconds old, not a checkpoint interval.
    const { body: charging } = await eventually(() => t.call('GET', `/api/v1/sessions/${sessionId}`, { token }), (r) => r.body.energyWh > 0);
    expect(charging).toMatchObject({ status: 'CHARGING', powerW: expect.any(Number), costFen: expect.any(Number) });

    const stopped = await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token });
    expect(stopped.status).toBe(200);
    const completed = await live.waitFor((m) => m.type === 'session.status' && m.status === 'COMPLETED');
    live.close();

    const { body: session } = await t.call('GET', `/api/v1/sessions/${sessionId}`, { token });
    const { bill } = session;
    expect(session.status).toBe('COMPLETED');
    expect(completed.bill).toEqual(bill);
    expect(bill.energyWh).toBe(session.energyWh);
    expect(bill.energyWh).toBeGreaterThan(0);
    const { body: station } = await t.call('GET', `/api/v1/stations/${t.stationId}`);
    for (const line of bill.lines) {
      const band = station.tariff.bands.find((b: any) => b.name === line.band);
      expect(line).toMatchObject({
        electricityFenPerKwh: band.electricityFenPerKwh,
        serviceFenPerKwh: band.serviceFenPerKwh,
        electricityFen: priceEnergy(line.energyWh, band.electricityFenPerKwh),
        serviceFen: priceEnergy(line.energyWh, band.serviceFenPerKwh),
      });
    }
    expect(bill.lines.reduce((s: number, l: any) => s + l.energyWh, 0)).toBe(bill.energyWh);
    expect(bill.totalFen).toBe(bill.lines.reduce((s: number, l: any) => s + l.electricityFen + l.serviceFen, 0) + bill.idleFeeFen);
    expect(bill.capturedFen).toBe(bill.totalFen);

    const { body: wallet } = await t.call('GET', '/api/v1/wallet', { token });
    expect(wallet).toEqual({ balanceFen: 5000 - bill.capturedFen, heldFen: 0 });
    await eventually(() => t.call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile.status === 'idle');
  }, 120_000);
});

describe('a driver stopping between two checkpoints (embedded, checkpoints a minute apart)', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem('embedded', { CHECKPOINT_INTERVAL_SECONDS: '60' });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('is answered with no less energy and cost than the progress they last read', async () => {
    const token = await t.login('driver-stopping');
    await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } });
    await eventually(() => t.call('GET', `/api/v1/piles/${t.stationId}-p02`), (r) => r.body.pile?.status === 'idle');
    const { body: started } = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode: `${t.stationId}-p02` } });
    const { body: lastRead } = await eventually(() => t.call('GET', `/api/v1/sessions/${started.sessionId}`, { token }), (r) => r.body.status === 'CHARGING' && r.body.energyWh > 0);

    const stopped = await t.call('POST', `/api/v1/sessions/${started.sessionId}/stop`, { token });

    expect(stopped.status).toBe(200);
    expect(stopped.body.energyWh).toBeGreaterThanOrEqual(lastRead.energyWh);
    expect(stopped.body.costFen).toBeGreaterThanOrEqual(lastRead.costFen);
  }, 120_000);
});
