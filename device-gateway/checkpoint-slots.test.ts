import { checkpointPhaseMs, checkpointSlots } from './checkpoint-slots';

const MINUTE = 60_000;

describe('checkpoint slots', () => {
  it('spread sessions that started in the same second over the whole interval', () => {
    const phases = Array.from({ length: 1000 }, (_, i) => checkpointPhaseMs(`session-${i}`, MINUTE));
    const perTenSeconds = Array.from({ length: 6 }, (_, k) => phases.filter((p) => p >= k * 10_000 && p < (k + 1) * 10_000).length);
    for (const count of perTenSeconds) expect(count).toBeGreaterThan(120);
  });

  it('give a session the same slot on every gateway and one new slot per interval', () => {
    const session = { sessionId: 'c0ffee00-0000-4000-8000-000000000001', startedAt: 1_000_000 };
    const firstEdge = session.startedAt + MINUTE - checkpointPhaseMs(session.sessionId, MINUTE);
    const slotOf = checkpointSlots(session, MINUTE);
    expect(slotOf(session.startedAt)).toBe(0);
    expect(slotOf(firstEdge - 1)).toBe(0);
    expect(slotOf(firstEdge)).toBe(1);
    expect(slotOf(firstEdge + MINUTE - 1)).toBe(1);
    expect(slotOf(firstEdge + MINUTE)).toBe(2);
  });
});
