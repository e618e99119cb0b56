import { LiveClient } from '../test/support/live-client';
import { startLiveSocketServer } from '../test/support/live-socket-server';
import { uniqueId } from '../test/support/services';

/** Staff follow every station's pile status on one subscription; drivers may not. */
describe('the live fleet subscription', () => {
  let socket: Awaited<ReturnType<typeof startLiveSocketServer>>;
  beforeAll(async () => (socket = await startLiveSocketServer()));
  afterAll(() => socket.close());

  it('brings staff a pile status change of any station', async () => {
    const client = await LiveClient.connect(socket.url, socket.tokens.issueStaff({ id: 'staff-1', name: 'Olga', role: 'support' }, 0));
    client.send({ type: 'subscribe', fleet: true });
    await client.waitFor((m) => m.type === 'subscribed' && m.fleet === true);
    const [stationA, stationB] = [uniqueId('station'), uniqueId('station')];
    await socket.live.pileReported(`${stationA}-p1`, stationA, { state: 'idle', at: Date.now() });
    await socket.live.pileReported(`${stationB}-p1`, stationB, { state: 'faulted', at: Date.now(), faultCode: 'E01' });
    expect(await client.waitFor((m) => m.type === 'pile.status' && m.stationId === stationA, 5000)).toMatchObject({ pileId: `${stationA}-p1`, status: 'idle' });
    expect(await client.waitFor((m) => m.type === 'pile.status' && m.stationId === stationB, 5000)).toMatchObject({ pileId: `${stationB}-p1`, status: 'fault' });
    client.close();
  });

  it('refuses a driver', async () => {
    const client = await LiveClient.connect(socket.url, socket.tokens.issue({ id: 'driver-1', name: 'Dora', role: 'driver' }));
    client.send({ type: 'subscribe', fleet: true });
    expect(await client.waitFor((m) => m.type === 'error', 5000)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    client.close();
  });

  it('refuses a subscription naming both a station and the fleet', async () => {
    const client = await LiveClient.connect(socket.url, socket.tokens.issueStaff({ id: 'staff-1', name: 'Olga', role: 'operator' }, 0));
    client.send({ type: 'subscribe', fleet: true, stationId: 'st-1' });
    expect(await client.waitFor((m) => m.type === 'error', 5000)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    client.close();
  });
});
