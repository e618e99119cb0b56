import { randomUUID } from 'node:crypto';
import type { SessionStatus } from '../domain/session-state';
import type { PaymentProvider, PileCommands, SessionHolding, SessionLiveUpdates, SessionStore, SessionWorkflows } from './ports';

export interface SweeperActivityDeps {
  sessions: SessionStore;
  workflows: SessionWorkflows;
  payments: PaymentProvider;
  pileCommands: PileCommands;
  live: SessionLiveUpdates;
}

/** Statuses in which the pile may be delivering energy: an orphan in one of them gets a stop command. */
const MAY_BE_CHARGING: readonly SessionStatus[] = ['STARTING', 'CHARGING', 'STOPPING'];

/**
 * What no workflow code can catch (a terminated workflow, a bug that failed it) leaves money held and piles
 * busy. The sweeper finds sessions whose workflow is closed but still hold either, and gives them back.
 */
export function createSweeperActivities({ sessions, workflows, payments, pileCommands, live }: SweeperActivityDeps) {
  return {
    async findOrphanedSessions(): Promise<SessionHolding[]> {
      const orphans: SessionHolding[] = [];
      for (const holding of await sessions.holdings()) if (!(await workflows.isRunning(holding.sessionId))) orphans.push(holding);
      return orphans;
    },

    /** Idempotent: a retried or repeated sweep finds nothing left to give back. */
    async releaseOrphanedSession(orphan: SessionHolding): Promise<void> {
      const { sessionId, pileId, status } = orphan;
      if (MAY_BE_CHARGING.includes(status)) {
        await pileCommands.send({ commandId: `${sessionId}:sweep-stop`, nonce: randomUUID(), pileId, sessionId, type: 'stop', ttlSeconds: 300 });
      }
      await payments.release(sessionId);
      await sessions.releasePile(pileId, sessionId);
      await live.pileReleased(orphan);
      await sessions.flagForReview(sessionId, `swept while ${status}: its workflow had closed; hold and pile released, nothing billed`);
    },
  };
}

export type SweeperActivities = ReturnType<typeof createSweeperActivities>;
