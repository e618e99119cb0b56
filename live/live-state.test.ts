import type { Bill } from '../domain/billing';
import { aTariff } from '../test/support/builders';
import { MemoryHotState } from '../infra/hot-state';
import { channels } from '../infra/hot-state/keys';
import { type LiveMessage, LiveState } from './live-state';

const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const session = { sessionId: 's1', userId: 'u1', pileId: 'p1', stationId: 'st1' };

async function chargingSessionWithSavedProgress() {
  const live = new LiveState(new MemoryHotState());
  await live.sessionOpened({ ...session, workflowId: 'wf', status: 'AUTHORIZING', limits: {}, tariff: aTariff(), at: T0 });
  await live.saveProgress({ type: 'session.progress', sessionId: 's1', at: new Date(T0 + 50_000).toISOString(), energyWh: 2200, powerW: 60_000, costFen: 333, elapsedSeconds: 50 });
  const messages: LiveMessage[] = [];
  await live.subscribe(channels.session('s1'), (message) => messages.push(message));
  return { live, messages };
}

describe('the status message of a session', () => {
  it('shows a stopping session with the last progress figures, not the older checkpoint', async () => {
    const { live, messages } = await chargingSessionWithSavedProgress();
    await live.sessionChanged(session, { status: 'STOPPING', energyWh: 0, needsReview: false }, T0 + 55_000);
    expect(messages).toEqual([expect.objectContaining({ type: 'session.status', status: 'STOPPING', energyWh: 2200, costFen: 333 })]);
  });

  it('shows a settled session with the figures of its bill', async () => {
    const { live, messages } = await chargingSessionWithSavedProgress();
    const bill: Bill = { lines: [], energyWh: 2100, electricityFen: 200, serviceFen: 100, energyFen: 300, idleMinutes: 0, idleFeeFen: 0, totalFen: 300, heldFen: 5000, capturedFen: 300, releasedFen: 4700, uncollectedFen: 0 };
    await live.sessionChanged(session, { status: 'COMPLETED', energyWh: 2100, needsReview: false, bill }, T0 + 90_000);
    expect(messages).toEqual([expect.objectContaining({ status: 'COMPLETED', energyWh: 2100, costFen: 300 })]);
  });
});
