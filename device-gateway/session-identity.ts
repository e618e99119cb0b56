import type { SessionLiveRecord } from '../live/live-state';
import type { GatewayContext } from './context';

/**
 * A message about a session counts only when it comes from that session's pile: the pile id is the one of the
 * topic, which the broker lets only the authenticated pile publish on. A message naming a session the platform
 * does not know, or another pile's session, is rejected and counted (`unknown_session`, `foreign_session`).
 */
export async function sessionOfPile(ctx: GatewayContext, pileId: string, sessionId: string, kind: string): Promise<SessionLiveRecord | undefined> {
  // Through the recoverable records: a session the hot store lost (a platform crash) is rebuilt, not refused.
  const session = await ctx.records.session(sessionId);
  if (session?.pileId === pileId) return session;
  const reason = session ? 'foreign_session' : 'unknown_session';
  ctx.metrics.rejected.inc({ reason });
  ctx.logger.warn({ sessionId, kind, reason, sessionPileId: session?.pileId }, 'rejected a pile message about a session that is not its own');
  return undefined;
}
