import * as messages from './session-sweeper.messages';
import { sweepOrphanedSessions } from './session-sweeper';

/** The schedule created at worker start names these: renaming one leaves the old schedule running the old type. */
describe('the session sweeper contract', () => {
  it('names the workflow type sweepOrphanedSessions, as the worker registers it', () => {
    expect(messages.SESSION_SWEEPER_WORKFLOW).toBe('sweepOrphanedSessions');
    expect(sweepOrphanedSessions.name).toBe(messages.SESSION_SWEEPER_WORKFLOW);
  });

  it('is run by the schedule sweep-orphaned-sessions, every five minutes', () => {
    expect(messages.SESSION_SWEEPER_SCHEDULE_ID).toBe('sweep-orphaned-sessions');
    expect(messages.SESSION_SWEEP_INTERVAL).toBe('5 minutes');
  });

  it('defines no signals, updates or queries (a sweep is one short run)', () => {
    const defined = Object.values(messages).filter((value) => typeof value === 'object' && value !== null && 'name' in value);
    expect(defined).toEqual([]);
  });
});
