/**
 * Where a session's checkpoint slots begin: an offset within the interval derived from the session id (FNV-1a),
 * the same on every gateway. Sessions that start together (a site back after a power cut, the morning rush, a
 * benchmark starting thousands at once) would otherwise cross into each new slot within the same few seconds,
 * and their checkpoint signals would leave as one burst.
 */
export function checkpointPhaseMs(sessionId: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % intervalMs;
}

/** The checkpoint slot a sample taken at a time falls in: one slot per interval, counted from the session's start and phase. */
export function checkpointSlots(session: { sessionId: string; startedAt?: number }, intervalMs: number): (at: number) => number {
  const origin = (session.startedAt ?? 0) - checkpointPhaseMs(session.sessionId, intervalMs);
  return (at) => Math.floor((at - origin) / intervalMs);
}
