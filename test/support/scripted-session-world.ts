import { ApplicationFailure } from '@temporalio/common';
import type { CaptureRequest, OpenSessionRequest, PaymentProvider, SessionIdentity, TransitionRecord } from '../../activities/ports';
import type { SessionActivities } from '../../activities/session-activities';
import type { PileCommand } from '../../device-protocol/commands';
import { decidePreauthorization, heldReason } from '../../domain/preauthorization';

/**
 * Activities for workflow tests on the time-skipping server: an in-memory record of what the workflow
 * asked for (the activities' own I/O is tested against MariaDB, Redis and Mosquitto elsewhere).
 * `onCommand` plays the pile: it is called with every command the workflow sends.
 */
export class ScriptedSessionWorld {
  balanceFen = 50_000;
  pileBusy = false;
  /** Number of capture attempts that fail before one succeeds. */
  failingCaptures = 0;
  readonly opened: OpenSessionRequest[] = [];
  readonly transitions: TransitionRecord[] = [];
  readonly commands: PileCommand[] = [];
  readonly holds = new Map<string, { amountFen: number; status: 'held' | 'captured' | 'released' }>();
  readonly captures: CaptureRequest[] = [];
  captureAttempts = 0;
  readonly releasedPiles: SessionIdentity[] = [];
  onCommand: (command: PileCommand) => void | Promise<void> = () => undefined;
  /** Set: payment goes to this provider (a real one, against a fake payment service) instead of the in-memory holds. */
  payments?: PaymentProvider;
  /** Awaited inside the payment activities before they act, so a test can hold one mid-flight. */
  beforeAuthorize: () => Promise<void> = async () => undefined;
  beforeCapture: () => Promise<void> = async () => undefined;

  statuses(): string[] {
    return this.transitions.map((t) => t.to);
  }

  activities(): SessionActivities {
    const steps = this.steps();
    return {
      ...steps,
      // The three steps it stands for, one after another, so every branch records what they record.
      admitSession: async (request) => {
        if ((await steps.openSession(request)) === 'pile_busy') return { outcome: 'pile_busy' };
        const decision = await steps.authorizePayment(request);
        if (!decision.approved) return { outcome: 'declined', decision };
        const { sessionId, userId, pileId, stationId, at, startingRecord } = request;
        const starting = { sessionId, userId, pileId, stationId, seq: 2, from: 'AUTHORIZING', to: 'STARTING', reason: heldReason(decision.holdFen), at, record: { ...startingRecord, heldFen: decision.holdFen } } as const;
        await steps.recordTransition(starting);
        return { outcome: 'admitted', starting };
      },
    };
  }

  private steps(): Omit<SessionActivities, 'admitSession'> {
    return {
      openSession: async (request) => {
        this.opened.push(request);
        return this.pileBusy ? 'pile_busy' : 'opened';
      },
      recordTransition: async (transition) => {
        if (!this.transitions.some((t) => t.seq === transition.seq)) this.transitions.push(transition);
      },
      authorizePayment: async ({ sessionId, userId, limits, policy }) => {
        await this.beforeAuthorize();
        if (this.payments) return this.payments.authorize({ sessionId, userId, limits, policy });
        const decision = decidePreauthorization(this.balanceFen, limits, policy);
        if (decision.approved) this.holds.set(sessionId, { amountFen: decision.holdFen, status: 'held' });
        return decision;
      },
      releasePayment: async (sessionId) => {
        if (this.payments) return this.payments.release(sessionId);
        const hold = this.holds.get(sessionId);
        if (hold?.status === 'held') hold.status = 'released';
      },
      captureSettlement: async (request) => {
        this.captureAttempts += 1;
        await this.beforeCapture();
        if (this.failingCaptures > 0) {
          this.failingCaptures -= 1;
          throw ApplicationFailure.retryable('payment provider unavailable', 'UPSTREAM_FAILED');
        }
        if (this.payments) {
          await this.payments.capture(request);
          this.captures.push(request);
          return;
        }
        const hold = this.holds.get(request.sessionId);
        if (hold?.status === 'held') {
          hold.status = 'captured';
          this.captures.push(request);
        }
      },
      sendPileCommand: async (command) => {
        this.commands.push(command);
        await this.onCommand(command);
      },
      releasePile: async (session) => {
        this.releasedPiles.push(session);
      },
    };
  }
}
