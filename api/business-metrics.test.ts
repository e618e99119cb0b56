import { AlarmLog } from '../db/alarm-log';
import { aSession, aStation } from '../test/support/driver-data';
import { startTestApi, type TestApi } from '../test/support/api-harness';

describe('business metrics on /metrics', () => {
  let api: TestApi;
  let scrape: string;

  beforeAll(async () => {
    api = await startTestApi();
    const { userId } = await api.login('metrics-driver');
    const { stationId, pileIds } = await aStation(api, { piles: [{ type: 'fast' }, { type: 'fast' }, { type: 'slow' }] });
    await aSession(api, { userId, stationId, pileId: pileIds[0] }, { status: 'CHARGING' });
    await aSession(api, { userId, stationId, pileId: pileIds[1] }, { status: 'COMPLETED' });
    await aSession(api, { userId, stationId, pileId: pileIds[1] }, { status: 'COMPLETED' });
    const alarms = new AlarmLog(api.db);
    await alarms.raise(pileIds[1], 'fault', 'E07', 'over temperature', new Date('2026-01-01T00:00:00Z'));
    await alarms.raise(pileIds[2], 'offline', 'LWT', 'last will', new Date('2026-01-01T00:00:00Z'));
    scrape = (await api.http.get('/metrics').expect(200)).text;
  });
  afterAll(() => api.stop());

  it('counts sessions by status', () => {
    expect(scrape).toMatch(/^evcp_sessions\{status="CHARGING"\} 1$/m);
    expect(scrape).toMatch(/^evcp_sessions\{status="COMPLETED"\} 2$/m);
  });

  it('counts the fleet and its faulted and offline piles', () => {
    expect(scrape).toMatch(/^evcp_piles 3$/m);
    expect(scrape).toMatch(/^evcp_piles_faulted 1$/m);
    expect(scrape).toMatch(/^evcp_piles_offline 1$/m);
  });
});
