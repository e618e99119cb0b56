import type { SessionView } from '../workflows/charging-session.messages';
import { withLatestProgress } from './session-service';

const view = (overrides: Partial<SessionView> = {}): SessionView =>
  ({ sessionId: 's1', status: 'CHARGING', energyWh: 1000, costFen: 150, powerW: 7000, needsReview: false, settlementAttempts: 0, ...overrides }) as SessionView;
const progress = (energyWh: number) => ({ type: 'session.progress' as const, sessionId: 's1', at: '2026-03-02T02:00:00.000Z', energyWh, powerW: 60_000, costFen: 333, elapsedSeconds: 90, socPercent: 55 });

describe('the session view a driver reads over REST', () => {
  it('shows the gateway progress while charging when it is ahead of the last checkpoint', () => {
    expect(withLatestProgress(view(), progress(2200))).toMatchObject({ energyWh: 2200, costFen: 333, powerW: 60_000, socPercent: 55 });
  });

  it('shows a stopping session with its last progress, not the older checkpoint', () => {
    expect(withLatestProgress(view({ status: 'STOPPING', energyWh: 0, costFen: 0 }), progress(2200))).toMatchObject({ energyWh: 2200, costFen: 333 });
  });

  it.each([
    ['no progress was saved yet', view(), undefined],
    ['the saved progress is older than the checkpoint', view(), progress(900)],
    ['the session is no longer charging', view({ status: 'SETTLING' }), progress(2200)],
  ])('keeps the workflow view when %s', (_, base, saved) => {
    expect(withLatestProgress(base, saved)).toBe(base);
  });
});
