import { randomUUID } from 'node:crypto';
import { type Transaction, UniqueConstraintError } from 'sequelize';
import { DomainError } from '../domain/errors';
import { isFinal } from '../domain/session-state';
import type { Database } from './database';
import type { ReviewDecision, SessionReview } from './models';
import type { PayscoreOrders } from './payscore-orders';
import type { WalletPayments } from './wallet';

export interface ReviewRequest {
  sessionId: string;
  /** Client-chosen id of this decision: the same id again answers with the recorded decision. */
  reviewId?: string;
  decision: ReviewDecision;
  /** adjust only: what to give back, 1..the order's captured amount. */
  refundFen?: number;
  note: string;
  staff: { id: string; name: string; role: string };
}

/**
 * Staff's decisions on sessions flagged for review. A decision, the refund it gives and the session's review flag are
 * one transaction under the session's row lock; a session's order is refunded at most once (the unique
 * `refund_session_id` and the wallet's ledger key both say so), so retries and races of the same request answer with
 * the first decision.
 */
export class SessionReviews {
  constructor(
    private readonly deps: {
      db: Database;
      wallet: WalletPayments;
      /** A Payscore-paid order's refund goes back to WeChat Pay: written here, then handed to its workflow. */
      payscore?: { orders: PayscoreOrders; refundWatch: { watch(outRefundNo: string): Promise<unknown> } };
    },
  ) {}

  async decide(request: ReviewRequest): Promise<{ review: SessionReview; created: boolean }> {
    const decided = await this.record(request);
    if (decided.review.refundSessionId) await this.payscoreRefundStarted(decided.review.refundSessionId);
    return decided;
  }

  /**
   * Hands a Payscore order's refund to its workflow, after every decision that refunds it (a retried request too,
   * so a refund written before a crash is not left alone); the workflow refunds it exactly once.
   */
  private async payscoreRefundStarted(sessionId: string): Promise<void> {
    const refund = await this.deps.payscore?.orders.refundOf(sessionId);
    if (refund) await this.deps.payscore!.refundWatch.watch(refund.outRefundNo);
  }

  private async record(request: ReviewRequest): Promise<{ review: SessionReview; created: boolean }> {
    const { db } = this.deps;
    const session = await db.models.ChargingSession.findByPk(request.sessionId);
    if (!session) throw new DomainError('NOT_FOUND', `no session ${request.sessionId}`);
    if (!isFinal(session.status)) throw new DomainError('SESSION_STATE_CONFLICT', `session ${session.id} is ${session.status}: review it once it has ended`);
    if (request.decision === 'adjust') await this.deps.wallet.wallet(session.userId);
    try {
      return await db.transaction(async (transaction) => {
        const { ChargingSession, SessionReview, Order } = db.models;
        const locked = (await ChargingSession.findByPk(request.sessionId, { transaction, lock: transaction.LOCK.UPDATE }))!;
        const earlier = await this.earlier(request, transaction);
        if (earlier) return { review: earlier, created: false };
        let refundSessionId: string | null = null;
        if (request.decision === 'adjust') {
          const order = await Order.findOne({ where: { sessionId: locked.id }, transaction });
          const capturedFen = order?.capturedFen ?? 0;
          if (!order || capturedFen <= 0) throw new DomainError('CONFLICT', `session ${locked.id} has no paid order to refund`);
          if (request.refundFen! > capturedFen) {
            throw new DomainError('VALIDATION_FAILED', `refundFen: at most the ${capturedFen} fen paid for this order`, { field: 'refundFen' });
          }
          refundSessionId = locked.id;
          const refund = { sessionId: locked.id, userId: locked.userId, amountFen: request.refundFen! };
          if (locked.paymentMode === 'payscore') {
            if (!this.deps.payscore) throw new DomainError('CONFLICT', `session ${locked.id} was paid with WeChat Pay Score, which is not configured here`);
            await this.deps.payscore.orders.openRefund(refund, transaction);
          } else {
            await this.deps.wallet.refundOrder(refund, transaction);
          }
        }
        const review = await SessionReview.create(
          {
            id: request.reviewId ?? randomUUID(),
            sessionId: locked.id,
            userId: locked.userId,
            decision: request.decision,
            refundFen: request.decision === 'adjust' ? request.refundFen! : null,
            refundSessionId,
            note: request.note,
            staffId: request.staff.id,
            staffName: request.staff.name.slice(0, 100),
            staffRole: request.staff.role,
            createdAt: new Date(),
          },
          { transaction },
        );
        await locked.update(request.decision === 'escalate' ? { reviewState: 'escalated' } : { needsReview: false, reviewState: 'resolved' }, { transaction });
        return { review, created: true };
      });
    } catch (error) {
      // The same request committed meanwhile (a race the row lock did not serialize, e.g. on another node's retry).
      if (error instanceof UniqueConstraintError) {
        const found = await this.earlier(request);
        if (found) return { review: found, created: false };
      }
      throw error;
    }
  }

  /** A session's decisions, oldest first. */
  ofSession(sessionId: string): Promise<SessionReview[]> {
    return this.deps.db.models.SessionReview.findAll({ where: { sessionId }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
  }

  /** The refund each of these sessions' orders got from a review (sessions without one are absent). */
  async refunds(sessionIds: string[]): Promise<Map<string, { refundFen: number; at: Date }>> {
    if (sessionIds.length === 0) return new Map();
    const rows = await this.deps.db.models.SessionReview.findAll({ where: { refundSessionId: sessionIds } });
    return new Map(rows.map((r) => [r.sessionId, { refundFen: r.refundFen ?? 0, at: r.createdAt }]));
  }

  /**
   * The decision this request repeats: the one with its review id, or (adjust) the session's refund. A refund asked
   * again with another amount is a conflict, not a second refund.
   */
  private async earlier(request: ReviewRequest, transaction?: Transaction): Promise<SessionReview | null> {
    const { SessionReview } = this.deps.db.models;
    const lock = transaction ? { transaction, lock: transaction.LOCK.UPDATE } : {};
    const byId = request.reviewId ? await SessionReview.findByPk(request.reviewId, lock) : null;
    if (byId) {
      if (byId.sessionId !== request.sessionId || byId.decision !== request.decision || (byId.refundFen ?? undefined) !== request.refundFen) {
        throw new DomainError('CONFLICT', `review ${request.reviewId} was already recorded with another decision`, { field: 'reviewId' });
      }
      return byId;
    }
    if (request.decision !== 'adjust') return null;
    const refund = await SessionReview.findOne({ where: { refundSessionId: request.sessionId }, ...lock });
    if (!refund) return null;
    if (refund.refundFen !== request.refundFen) {
      throw new DomainError('CONFLICT', `the order of session ${request.sessionId} was already refunded ${refund.refundFen} fen`, { field: 'refundFen' });
    }
    return refund;
  }
}
