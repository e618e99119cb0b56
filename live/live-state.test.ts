import type { Bill } from '../domain/billing';
import { aTariff } from '../test/support/builders';
import { MemoryHotState } from '../infra/hot-state';
import { channels } from '../infra/hot-state/keys';
import { type LiveMessage, LiveState, progressInOrder } from './live-state';

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

describe('progress in order', () => {
  const progressAt = (sessionId: string, at: string): LiveMessage => ({ type: 'session.progress', sessionId, at, energyWh: 1, powerW: 1, costFen: 0, elapsedSeconds: 0 });

  it('judges each session on its own and lets every other message through', () => {
    const inOrder = progressInOrder();
    expect(inOrder(progressAt('s1', '2026-03-02T02:00:10.000Z'))).toBe(true);
    expect(inOrder(progressAt('s2', '2026-03-02T02:00:05.000Z'))).toBe(true);
    expect(inOrder(progressAt('s1', '2026-03-02T02:00:09.000Z'))).toBe(false);
    expect(inOrder({ type: 'session.status', sessionId: 's1', status: 'CHARGING', at: '2026-03-02T02:00:01.000Z', energyWh: 0 })).toBe(true);
    expect(inOrder(progressAt('s1', '2026-03-02T02:00:11.000Z'))).toBe(true);
  });
});
