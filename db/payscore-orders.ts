import { randomBytes } from 'node:crypto';
import { Op, type Transaction, UniqueConstraintError } from 'sequelize';
import { PAYSCORE_STATES, type PaymentMode, type PayscoreState, nextPayscoreState, payscoreHoldsMoney } from '../domain/payscore';
import type { Database } from './database';
import { postJournalEntry } from './ledger';
import { accounts, journalLines } from '../domain/ledger';
import type { PayscoreOrder, PayscoreRefund, RefundStatus } from './models';

/** Payscore's out_order_no: up to 32 of [0-9A-Za-z_-|]; ours is random, fixed once per session by its row. */
const newOutOrderNo = () => `ps${Date.now().toString(36)}${randomBytes(10).toString('hex')}`;
const newOutRefundNo = () => `psrf${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

/** What a report of WeChat Pay adds to an order besides its state. */
export interface PayscoreFacts {
  orderId?: string;
  totalFen?: number;
  transactionId?: string;
  paidAt?: Date;
  declineReason?: string;
}

/** Sessions' Payscore orders and their refunds. An order only moves forward, so repeated or late reports change nothing. */
export class PayscoreOrders {
  constructor(private readonly db: Database) {}

  /** How the session pays, as recorded when it opened (a session without a record pays from the wallet). */
  async modeOf(sessionId: string): Promise<PaymentMode> {
    const session = await this.db.models.ChargingSession.findByPk(sessionId, { attributes: ['paymentMode'] });
    return session?.paymentMode ?? 'wallet';
  }

  bySession(sessionId: string, transaction?: Transaction): Promise<PayscoreOrder | null> {
    return this.db.models.PayscoreOrder.findByPk(sessionId, { transaction });
  }

  byOutOrderNo(outOrderNo: string): Promise<PayscoreOrder | null> {
    return this.db.models.PayscoreOrder.findOne({ where: { outOrderNo } });
  }

  /** The session's order, recorded as `creating` before WeChat Pay is asked; a retry (or a racing twin) finds the first. */
  async begin(request: { sessionId: string; userId: string; riskFen: number }): Promise<PayscoreOrder> {
    const { PayscoreOrder } = this.db.models;
    const defaults = { ...request, outOrderNo: newOutOrderNo(), state: 'creating' as const, totalFen: null, orderId: null, transactionId: null, declineReason: null, paidAt: null };
    try {
      const [order] = await PayscoreOrder.findOrCreate({ where: { sessionId: request.sessionId }, defaults });
      return order;
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      return (await PayscoreOrder.findByPk(request.sessionId))!;
    }
  }

  /**
   * Records a report about the order under its row lock (in `outer` when given): the state moves only forward, facts
   * are kept once known. `moved` says whether this report moved the state (what happens once per state hangs on it).
   */
  async advance(sessionId: string, reported: PayscoreState, facts: PayscoreFacts = {}, outer?: Transaction): Promise<{ order: PayscoreOrder; moved: boolean }> {
    const run = async (transaction: Transaction) => {
      const order = await this.db.models.PayscoreOrder.findByPk(sessionId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!order) throw new Error(`session ${sessionId} has no Payscore order`);
      const state = nextPayscoreState(order.state, reported);
      const moved = state !== order.state;
      if (!moved && !Object.values(facts).some((v) => v !== undefined)) return { order, moved };
      const updated = await order.update(
        {
          state,
          orderId: order.orderId ?? facts.orderId ?? null,
          totalFen: order.totalFen ?? facts.totalFen ?? null,
          transactionId: order.transactionId ?? facts.transactionId ?? null,
          paidAt: order.paidAt ?? facts.paidAt ?? null,
          declineReason: order.declineReason ?? facts.declineReason ?? null,
        },
        { transaction },
      );
      return { order: updated, moved };
    };
    return outer ? run(outer) : this.db.transaction(run);
  }

  /** Sessions whose order still holds the driver's risk amount. */
  async holdingSessionIds(): Promise<string[]> {
    const states = PAYSCORE_STATES.filter(payscoreHoldsMoney);
    const rows = await this.db.models.PayscoreOrder.findAll({ where: { state: { [Op.in]: states } }, attributes: ['sessionId'] });
    return rows.map((r) => r.sessionId);
  }

  /** The session's refund, opened now (processing) if there is none, in the caller's transaction: one per session. */
  async openRefund(request: { sessionId: string; userId: string; amountFen: number }, transaction: Transaction): Promise<PayscoreRefund> {
    const { PayscoreRefund } = this.db.models;
    const existing = await PayscoreRefund.findOne({ where: { sessionId: request.sessionId }, transaction, lock: transaction.LOCK.UPDATE });
    if (existing) return existing;
    const refund = await PayscoreRefund.create({ outRefundNo: newOutRefundNo(), ...request, status: 'processing', providerRefundId: null, settledAt: null }, { transaction });
    // Given back from revenue, owed to the driver through WeChat Pay until WeChat Pay confirms the refund.
    const lines = journalLines.orderRefund(accounts.refundsPayable, request.amountFen);
    await postJournalEntry(this.db, { idempotencyKey: `order-refund:${request.sessionId}`, kind: 'order_refund', sessionId: request.sessionId, outRefundNo: refund.outRefundNo, lines }, transaction);
    return refund;
  }

  refundOf(sessionId: string): Promise<PayscoreRefund | null> {
    return this.db.models.PayscoreRefund.findOne({ where: { sessionId } });
  }

  refund(outRefundNo: string): Promise<PayscoreRefund | null> {
    return this.db.models.PayscoreRefund.findByPk(outRefundNo);
  }

  /** Records where a refund ended, once; a later answer for an ended refund changes nothing. */
  async settleRefund(outRefundNo: string, outcome: { status: Exclude<RefundStatus, 'processing'>; providerRefundId?: string; atMs: number }): Promise<PayscoreRefund> {
    return this.db.transaction(async (transaction) => {
      const refund = await this.db.models.PayscoreRefund.findByPk(outRefundNo, { transaction, lock: transaction.LOCK.UPDATE });
      if (!refund) throw new Error(`no Payscore refund ${outRefundNo}`);
      if (refund.status !== 'processing' && refund.status !== 'abnormal') return refund;
      if (refund.status === outcome.status) return refund;
      if (outcome.status === 'succeeded') {
        const lines = journalLines.refundPaid('payscore', refund.amountFen);
        await postJournalEntry(this.db, { idempotencyKey: `refund-paid:${outRefundNo}`, kind: 'refund_paid', outRefundNo, lines }, transaction);
      }
      if (outcome.status === 'closed') {
        // WeChat Pay gave up on the refund: the adjustment is undone; support decides again.
        const lines = journalLines.refundReturned(accounts.revenueAdjustments, refund.amountFen);
        await postJournalEntry(this.db, { idempotencyKey: `refund-reversal:${outRefundNo}`, kind: 'refund_reversal', outRefundNo, lines }, transaction);
      }
      return refund.update({ status: outcome.status, providerRefundId: outcome.providerRefundId ?? refund.providerRefundId, settledAt: new Date(outcome.atMs) }, { transaction });
    });
  }
}
