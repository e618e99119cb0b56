import type { LiveProgress } from '../live/live-state';
import { LiveClient } from '../test/support/live-client';
import { startLiveSocketServer } from '../test/support/live-socket-server';
import { uniqueId } from '../test/support/services';

/** Two gateways, or one behind the other, may publish a session's samples out of order; the driver sees them in order. */
describe('a session’s live progress on the socket', () => {
  let socket: Awaited<ReturnType<typeof startLiveSocketServer>>;
  beforeAll(async () => (socket = await startLiveSocketServer({ sessions: { view: async (_user, sessionId) => ({ sessionId, status: 'CHARGING', energyWh: 0, costFen: 0 }) as never } })));
  afterAll(() => socket.close());

  const progress = (sessionId: string, second: number): LiveProgress => ({
    type: 'session.progress',
    sessionId,
    at: new Date(Date.UTC(2026, 2, 2, 2, 0, second)).toISOString(),
    energyWh: second * 10,
    powerW: 36_000,
    costFen: second,
    elapsedSeconds: second,
  });

  it('drops a sample older than one the driver has already been shown', async () => {
    const sessionId = uniqueId('session');
    const client = await LiveClient.connect(socket.url, socket.tokens.issue({ id: 'driver-1', name: 'Dora', role: 'driver' }));
    client.send({ type: 'subscribe', sessionId });
    await client.waitFor((m) => m.type === 'session.status', 5000);
    for (const second of [10, 12, 11, 12, 13]) await socket.live.publishProgress(progress(sessionId, second));
    await client.waitFor((m) => m.type === 'session.progress' && m.energyWh === 130, 5000);
    expect(client.messages.filter((m) => m.type === 'session.progress').map((m) => m.elapsedSeconds)).toEqual([10, 12, 13]);
    client.close();
  });
});
