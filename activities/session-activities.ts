import type { PileCommand } from '../domain/pile-command';
import type { PreauthDecision } from '../domain/preauthorization';
import { log } from '@temporalio/activity';
import type {
  AdmissionOutcome,
  AdmitSessionRequest,
  AuthorizeRequest,
  BillNoticeQueue,
  CaptureRequest,
  OpenSessionRequest,
  PaymentProvider,
  PileCommands,
  SessionAdmissions,
  SessionIdentity,
  SessionLiveUpdates,
  SessionStore,
  TransitionRecord,
} from './ports';

export interface SessionActivityDeps {
  sessions: SessionStore;
  admissions: SessionAdmissions;
  payments: PaymentProvider;
  pileCommands: PileCommands;
  live: SessionLiveUpdates;
  /** Where a settled bill goes to be told to the driver; unset: nobody is told. */
  bills?: BillNoticeQueue;
}

/**
 * All I/O of a charging session. Each activity is idempotent (keyed by session id and step), so Temporal
 * may retry any of them after a crash without double-charging or double-commanding.
 */
export function createSessionActivities({ sessions, admissions, payments, pileCommands, live, bills }: SessionActivityDeps) {
  return {
    async openSession(request: OpenSessionRequest): Promise<'opened' | 'pile_busy'> {
      const outcome = await sessions.open(request);
      if (outcome === 'opened') await live.sessionOpened(request);
      return outcome;
    },

    /** A direct start's first step: opens the session, takes the hold and records STARTING (one transaction for the wallet). */
    async admitSession(request: AdmitSessionRequest): Promise<AdmissionOutcome> {
      const admission = await admissions.admit(request);
      if (admission.outcome === 'pile_busy') return admission;
      await live.sessionOpened(request);
      if (admission.outcome === 'admitted') await live.sessionChanged(admission.starting, admission.starting.record, admission.starting.at);
      return admission;
    },

    async recordTransition(transition: TransitionRecord): Promise<void> {
      await sessions.recordTransition(transition);
      await live.sessionChanged(transition, transition.record, transition.at);
    },

    async authorizePayment(request: AuthorizeRequest): Promise<PreauthDecision> {
      return payments.authorize(request);
    },

    async releasePayment(sessionId: string): Promise<void> {
      await payments.release(sessionId);
    },

    async captureSettlement(request: CaptureRequest): Promise<void> {
      await payments.capture(request);
      // The bill notice never holds settlement up: a failure to hand it over is logged, not retried with the capture.
      await bills?.enqueue(request.sessionId).catch((error: unknown) => log.warn('the bill notice was not handed over', { sessionId: request.sessionId, error: String(error) }));
    },

    async sendPileCommand(command: PileCommand): Promise<void> {
      await pileCommands.send(command);
    },

    async releasePile(session: SessionIdentity): Promise<void> {
      await sessions.releasePile(session.pileId, session.sessionId);
      await live.pileReleased(session);
    },
  };
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
