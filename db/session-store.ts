import { type Transaction, UniqueConstraintError } from 'sequelize';
import type { OpenSessionRequest, SessionHolding, SessionStore, TransitionRecord } from '../activities/ports';
import { isFinal } from '../domain/session-state';
import type { Database } from './database';
import { PayscoreOrders } from './payscore-orders';

const toDate = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

/** Session records in MySQL/SQLite. The pile claim's primary key is the one-session-per-pile guarantee. */
export class SequelizeSessionStore implements SessionStore {
  constructor(private readonly db: Database) {}

  async open(request: OpenSessionRequest): Promise<'opened' | 'pile_busy'> {
    try {
      return await this.db.transaction((transaction) => this.openIn(request, transaction));
    } catch (error) {
      // Two requests raced past the look-up; the primary key let exactly one through.
      if (error instanceof UniqueConstraintError) return (await this.db.models.ChargingSession.findByPk(request.sessionId)) ? 'opened' : 'pile_busy';
      throw error;
    }
  }

  /**
   * `open` in the caller's transaction (admission takes the hold in the same one). A race with another session for
   * the pile ends in a UniqueConstraintError that aborts the caller's transaction; run it again to find the winner.
   */
  async openIn(request: OpenSessionRequest, transaction: Transaction): Promise<'opened' | 'pile_busy'> {
    const { ChargingSession, PileClaim, SessionEvent } = this.db.models;
    if (await ChargingSession.findByPk(request.sessionId, { transaction })) return 'opened';
    const claim = await PileClaim.findByPk(request.pileId, { transaction });
    if (claim) return 'pile_busy';
    await PileClaim.create({ pileId: request.pileId, sessionId: request.sessionId }, { transaction });
    await ChargingSession.create(
      {
        id: request.sessionId,
        userId: request.userId,
        pileId: request.pileId,
        stationId: request.stationId,
        status: request.status,
        statusSeq: 1,
        workflowId: request.workflowId,
        limits: request.limits,
        tariff: request.tariff,
        reservedUntil: toDate(request.reservedUntil),
        heldFen: null,
        meterStartWh: null,
        meterStopWh: null,
        energyWh: null,
        startedAt: null,
        stoppedAt: null,
        endedAt: null,
        endReason: null,
        reviewReason: null,
        bill: null,
        paymentMode: request.paymentMode ?? 'wallet',
        // When the workflow opened it, the same on every retry of the activity.
        createdAt: new Date(request.at),
      },
      { transaction },
    );
    await SessionEvent.create({ sessionId: request.sessionId, seq: 1, fromStatus: null, toStatus: request.status, reason: 'requested', detail: null, at: new Date(request.at) }, { transaction });
    return 'opened';
  }

  async recordTransition(t: TransitionRecord): Promise<void> {
    await this.db.transaction((transaction) => this.recordTransitionIn(t, transaction));
  }

  /** `recordTransition` in the caller's transaction. */
  async recordTransitionIn(t: TransitionRecord, transaction: Transaction): Promise<void> {
    const { ChargingSession, SessionEvent } = this.db.models;
    const seen = await SessionEvent.findOne({ where: { sessionId: t.sessionId, seq: t.seq }, transaction });
    if (!seen) {
      await SessionEvent.create(
        { sessionId: t.sessionId, seq: t.seq, fromStatus: t.from, toStatus: t.to, reason: t.reason ?? null, detail: null, at: new Date(t.at) },
        { transaction },
      );
    }
    const session = await ChargingSession.findByPk(t.sessionId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!session) throw new Error(`session ${t.sessionId} has no record; it must be opened first`);
    if (session.statusSeq >= t.seq) return;
    const r = t.record;
    await session.update(
      {
        status: t.to,
        statusSeq: t.seq,
        reservedUntil: toDate(r.reservedUntil),
        heldFen: r.heldFen ?? null,
        meterStartWh: r.meterStartWh ?? null,
        meterStopWh: r.meterStopWh ?? null,
        energyWh: r.energyWh,
        startedAt: toDate(r.startedAt),
        stoppedAt: toDate(r.stoppedAt),
        endedAt: isFinal(t.to) ? new Date(t.at) : null,
        endReason: r.endReason ?? null,
        needsReview: r.needsReview,
        reviewReason: r.reviewReason ?? null,
        bill: r.bill ?? null,
      },
      { transaction },
    );
  }

  async releasePile(pileId: string, sessionId: string): Promise<void> {
    await this.db.models.PileClaim.destroy({ where: { pileId, sessionId } });
  }

  async holdings(): Promise<SessionHolding[]> {
    const { ChargingSession, PaymentHold, PileClaim } = this.db.models;
    const [holds, payscoreHolds, claims] = await Promise.all([
      PaymentHold.findAll({ where: { status: 'held' }, attributes: ['sessionId'] }),
      new PayscoreOrders(this.db).holdingSessionIds(),
      PileClaim.findAll({ attributes: ['sessionId'] }),
    ]);
    const holding = new Set([...holds.map((h) => h.sessionId), ...payscoreHolds]);
    const claiming = new Set(claims.map((c) => c.sessionId));
    const sessions = await ChargingSession.findAll({ where: { id: [...new Set([...holding, ...claiming])] } });
    return sessions.map((s) => ({
      sessionId: s.id,
      userId: s.userId,
      pileId: s.pileId,
      stationId: s.stationId,
      status: s.status,
      holdsMoney: holding.has(s.id),
      holdsPile: claiming.has(s.id),
    }));
  }

  async flagForReview(sessionId: string, reason: string): Promise<void> {
    const { ChargingSession } = this.db.models;
    await this.db.transaction(async (transaction) => {
      const session = await ChargingSession.findByPk(sessionId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!session || session.reviewReason?.includes(reason)) return;
      const reviewReason = session.reviewReason ? `${session.reviewReason}; ${reason}` : reason;
      await session.update({ needsReview: true, reviewReason: reviewReason.slice(0, 200) }, { transaction });
    });
  }
}
