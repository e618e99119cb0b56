import { randomUUID } from 'node:crypto';
import type { SessionStatus } from '../domain/session-state';
import type { PaymentProvider, PileCommands, SessionHolding, SessionLiveUpdates, SessionStore, SessionWorkflows, StalledRefunds } from './ports';

export interface SweeperActivityDeps {
  sessions: SessionStore;
  workflows: SessionWorkflows;
  payments: PaymentProvider;
  pileCommands: PileCommands;
  live: SessionLiveUpdates;
  refunds: StalledRefunds;
  clock: () => number;
}

/** A refund opened this long ago without a workflow is stalled: the API starts one right after the commit. */
export const STALLED_REFUND_AFTER_MS = 10 * 60_000;
/** Refunds looked at per sweep (newest first: a refund left behind is found within a sweep or two of the crash). */
export const STALLED_REFUNDS_PER_SWEEP = 500;

/** Statuses in which the pile may be delivering energy: an orphan in one of them gets a stop command. */
const MAY_BE_CHARGING: readonly SessionStatus[] = ['STARTING', 'CHARGING', 'STOPPING'];

/**
 * What no workflow code can catch (a terminated workflow, a bug that failed it) leaves money held and piles
 * busy. The sweeper finds sessions whose workflow is closed but still hold either, and gives them back; and refunds
 * whose workflow never started (or was terminated), and starts it.
 */
export function createSweeperActivities({ sessions, workflows, payments, pileCommands, live, refunds, clock }: SweeperActivityDeps) {
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

    /** Starts the workflow of every refund still processing without one; answers those it started. Idempotent. */
    async restartStalledRefunds(): Promise<string[]> {
      const started: string[] = [];
      for (const outRefundNo of await refunds.processingOpenedBefore(clock() - STALLED_REFUND_AFTER_MS, STALLED_REFUNDS_PER_SWEEP)) {
        if (await refunds.watch(outRefundNo)) started.push(outRefundNo);
      }
      return started;
    },
  };
}

export type SweeperActivities = ReturnType<typeof createSweeperActivities>;
