import { UniqueConstraintError } from 'sequelize';
import type { AdmissionOutcome, AdmitSessionRequest, AuthorizeRequest, PaymentProvider, SessionAdmissions, TransitionRecord } from '../activities/ports';
import type { Database } from '../db/database';
import type { SequelizeSessionStore } from '../db/session-store';
import type { WalletPayments } from '../db/wallet';
import { heldReason, type PreauthDecision } from '../domain/preauthorization';

/** The transition that admits a session: the second in its history, after the one that opened it. */
const ADMITTED_SEQ = 2;

/**
 * Admission of a direct start. A wallet session is opened, held and moved to STARTING in one transaction, since the
 * session records and the wallet share the database; a WeChat Pay Score session takes its steps one after another
 * (its order is created over HTTP, outside any transaction of ours), each idempotent as on their own.
 */
export class SessionAdmissionsByMode implements SessionAdmissions {
  constructor(private readonly deps: { db: Database; sessions: SequelizeSessionStore; wallet: WalletPayments; payments: PaymentProvider }) {}

  async admit(request: AdmitSessionRequest): Promise<AdmissionOutcome> {
    if ((request.paymentMode ?? 'wallet') !== 'wallet') return this.admitStepByStep(request);
    await this.deps.wallet.ensureWallet(request.userId);
    try {
      return await this.admitFromWallet(request);
    } catch (error) {
      // Two sessions raced past the pile's look-up and the claim's primary key stopped this one: look again.
      if (error instanceof UniqueConstraintError) return this.admitFromWallet(request);
      throw error;
    }
  }

  private admitFromWallet(request: AdmitSessionRequest): Promise<AdmissionOutcome> {
    const { db, sessions, wallet } = this.deps;
    return db.transaction(async (transaction) => {
      if ((await sessions.openIn(request, transaction)) === 'pile_busy') return { outcome: 'pile_busy' };
      const decision = await wallet.authorizeIn(authorizeRequestOf(request), transaction);
      return afterAuthorization(request, decision, (starting) => sessions.recordTransitionIn(starting, transaction));
    });
  }

  private async admitStepByStep(request: AdmitSessionRequest): Promise<AdmissionOutcome> {
    const { sessions, payments } = this.deps;
    if ((await sessions.open(request)) === 'pile_busy') return { outcome: 'pile_busy' };
    const decision = await payments.authorize(authorizeRequestOf(request));
    return afterAuthorization(request, decision, (starting) => sessions.recordTransition(starting));
  }
}

function authorizeRequestOf({ sessionId, userId, limits, policy }: AdmitSessionRequest): AuthorizeRequest {
  return { sessionId, userId, limits, policy };
}

async function afterAuthorization(request: AdmitSessionRequest, decision: PreauthDecision, record: (starting: TransitionRecord) => Promise<void>): Promise<AdmissionOutcome> {
  if (!decision.approved) return { outcome: 'declined', decision };
  const { sessionId, userId, pileId, stationId, at, startingRecord } = request;
  const starting: TransitionRecord = {
    ...{ sessionId, userId, pileId, stationId },
    seq: ADMITTED_SEQ,
    from: 'AUTHORIZING',
    to: 'STARTING',
    reason: heldReason(decision.holdFen),
    at,
    record: { ...startingRecord, heldFen: decision.holdFen },
  };
  await record(starting);
  return { outcome: 'admitted', starting };
}
