import { randomBytes, randomUUID } from 'node:crypto';
import { Op, type Transaction, UniqueConstraintError } from 'sequelize';
import type { AuthorizeRequest, CaptureRequest } from '../activities/ports';
import type { Database } from './database';
import type { PaymentHold, Refund, RefundStatus, TopUp, Wallet, WalletEntryKind, WalletTransaction, Withdrawal } from './models';
import { DomainError } from '../domain/errors';
import { type PreauthDecision, decidePreauthorization } from '../domain/preauthorization';
import { allocateWithdrawal } from '../domain/refunds';
import { type ClearingProvider, type JournalLine, accountChange, accounts, isProviderClearing, journalLines } from '../domain/ledger';
import { postJournalEntry } from './ledger';

/** Top-ups a withdrawal can be refunded against: paid through WeChat Pay, or the sandbox's play money. */
const REFUNDABLE_PROVIDERS = ['wechatpay', 'sandbox'];

/** WeChat Pay's out_refund_no: up to 64 of [0-9A-Za-z_-|*@]. */
const newOutRefundNo = () => `rf${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

/**
 * One movement of a locked wallet: the journal lines that record it (the wallet's balance and held amount change by
 * what the lines post to its `wallet:` and `holds:` accounts), its unique key, what it refers to, and the transaction
 * it belongs to.
 */
interface WalletMove {
  wallet: Wallet;
  kind: WalletEntryKind;
  lines: JournalLine[];
  idempotencyKey: string;
  sessionId?: string;
  topUpId?: string;
  outRefundNo?: string;
  transaction: Transaction;
}

/** The provider a top-up was paid through, as a clearing account of the journal. */
function clearingProvider(provider: string): ClearingProvider {
  if (!isProviderClearing(provider)) throw new DomainError('VALIDATION_FAILED', `no clearing account for payment provider ${provider}`, { field: 'provider' });
  return provider;
}

/**
 * The prepaid wallet: top-ups, and pre-authorization holds that settlement captures or releases.
 * Every write is one transaction keyed so that a retry finds its earlier result instead of writing twice:
 * holds by session id, ledger entries by a unique idempotency key.
 *
 * Invariant, for every wallet: balance + held = top-ups − captured − withdrawn + refunds reversed + orders refunded.
 */
export class WalletPayments {
  constructor(private readonly db: Database) {}

  async authorize(request: AuthorizeRequest): Promise<PreauthDecision> {
    await this.ensureWallet(request.userId);
    return this.db.transaction((transaction) => this.authorizeIn(request, transaction));
  }

  /** Takes the session's hold in the caller's transaction (admission opens the session in the same one); the wallet must exist (`ensureWallet`). */
  async authorizeIn({ sessionId, userId, limits, policy }: AuthorizeRequest, transaction: Transaction): Promise<PreauthDecision> {
    const { PaymentHold } = this.db.models;
    const existing = await PaymentHold.findByPk(sessionId, { transaction });
    if (existing) return { approved: true, holdFen: existing.amountFen };
    const wallet = await this.lockWallet(userId, transaction);
    const decision = decidePreauthorization(wallet.balanceFen, limits, policy);
    if (!decision.approved) return decision;
    await PaymentHold.create({ sessionId, userId, amountFen: decision.holdFen, status: 'held', capturedFen: 0, releasedFen: 0 }, { transaction });
    await this.move({ wallet, kind: 'hold', lines: journalLines.hold(userId, decision.holdFen), idempotencyKey: `${sessionId}:hold`, sessionId, transaction });
    return decision;
  }

  /**
   * Captures the bill from the session's hold and releases the rest, in the caller's transaction (settlement writes
   * the order in the same one). 'already_captured' when a retry finds the capture done.
   */
  async captureHold({ sessionId, userId, bill }: CaptureRequest, transaction: Transaction): Promise<'captured' | 'already_captured'> {
    const hold = await this.db.models.PaymentHold.findByPk(sessionId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!hold) throw new DomainError('NOT_FOUND', `session ${sessionId} has no payment hold to capture`);
    if (hold.status === 'captured') return 'already_captured';
    if (hold.status === 'released') throw new DomainError('SESSION_STATE_CONFLICT', `the hold of session ${sessionId} was already released`);
    if (bill.heldFen !== hold.amountFen || bill.capturedFen + bill.releasedFen !== hold.amountFen) {
      throw new DomainError('VALIDATION_FAILED', `bill does not match the hold of ${hold.amountFen} fen`, { bill });
    }
    const wallet = await this.lockWallet(userId, transaction);
    if (bill.totalFen > 0) {
      await this.move({ wallet, kind: 'capture', lines: journalLines.bill(accounts.holds(userId), bill), idempotencyKey: `${sessionId}:capture`, sessionId, transaction });
    }
    if (bill.releasedFen > 0) {
      await this.move({ wallet, kind: 'release', lines: journalLines.release(userId, bill.releasedFen), idempotencyKey: `${sessionId}:release`, sessionId, transaction });
    }
    await hold.update({ status: 'captured', capturedFen: bill.capturedFen, releasedFen: bill.releasedFen }, { transaction });
    return 'captured';
  }

  async release(sessionId: string): Promise<void> {
    await this.db.transaction(async (transaction) => {
      const hold = await this.db.models.PaymentHold.findByPk(sessionId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!hold || hold.status !== 'held') return;
      const wallet = await this.lockWallet(hold.userId, transaction);
      await this.move({ wallet, kind: 'release', lines: journalLines.release(hold.userId, hold.amountFen), idempotencyKey: `${sessionId}:release`, sessionId, transaction });
      await hold.update({ status: 'released', releasedFen: hold.amountFen }, { transaction });
    });
  }

  /**
   * Gives `amountFen` of a settled session's order back to the driver's balance, in the caller's transaction (the
   * review decision is written in the same one). Once per session: the ledger key is the session's, so a retry finds
   * the first refund and answers 'already_refunded' without moving money again.
   */
  async refundOrder(request: { sessionId: string; userId: string; amountFen: number }, transaction: Transaction): Promise<'refunded' | 'already_refunded'> {
    if (!Number.isSafeInteger(request.amountFen) || request.amountFen <= 0) {
      throw new DomainError('VALIDATION_FAILED', 'refundFen must be a positive whole number of fen', { field: 'refundFen' });
    }
    const idempotencyKey = `order-refund:${request.sessionId}`;
    const wallet = await this.lockWallet(request.userId, transaction);
    const earlier = await this.db.models.WalletTransaction.findOne({ where: { idempotencyKey }, transaction, lock: transaction.LOCK.UPDATE });
    if (earlier) return 'already_refunded';
    await this.move({ wallet, kind: 'order_refund', lines: journalLines.orderRefund(accounts.wallet(request.userId), request.amountFen), idempotencyKey, sessionId: request.sessionId, transaction });
    return 'refunded';
  }

  /** Credits a confirmed top-up once per idempotency key; a repeated key returns the first top-up. */
  async creditTopUp(request: { userId: string; amountFen: number; provider: string; providerRef: string | null; idempotencyKey: string }): Promise<TopUp> {
    if (!Number.isSafeInteger(request.amountFen) || request.amountFen <= 0) {
      throw new DomainError('VALIDATION_FAILED', 'amountFen must be a positive whole number of fen', { field: 'amountFen' });
    }
    const { TopUp } = this.db.models;
    const provider = clearingProvider(request.provider);
    await this.ensureWallet(request.userId);
    try {
      return await this.db.transaction(async (transaction) => {
        const existing = await TopUp.findOne({ where: { idempotencyKey: request.idempotencyKey }, transaction });
        if (existing) return existing;
        const topUp = await TopUp.create({ id: randomUUID(), ...request, status: 'succeeded' }, { transaction });
        const wallet = await this.lockWallet(request.userId, transaction);
        const lines = journalLines.topUp(request.userId, provider, request.amountFen);
        await this.move({ wallet, kind: 'top_up', lines, idempotencyKey: `top-up:${topUp.id}`, topUpId: topUp.id, transaction });
        return topUp;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) {
        const existing = await TopUp.findOne({ where: { idempotencyKey: request.idempotencyKey } });
        if (existing) return existing;
      }
      throw error;
    }
  }

  /**
   * Takes `amountFen` out of the balance and splits it into refunds of the top-ups it came from (oldest first, within
   * the refund window), in one transaction; a repeated key answers with the first withdrawal and its refunds.
   */
  async openWithdrawal(request: { userId: string; amountFen: number; idempotencyKey: string; nowMs: number }): Promise<{ withdrawal: Withdrawal; refunds: Refund[] }> {
    const { Withdrawal, Refund, TopUp } = this.db.models;
    await this.ensureWallet(request.userId);
    const existing = async () => {
      const withdrawal = await Withdrawal.findOne({ where: { idempotencyKey: request.idempotencyKey } });
      return withdrawal && { withdrawal, refunds: await Refund.findAll({ where: { withdrawalId: withdrawal.id }, order: [['createdAt', 'ASC'], ['outRefundNo', 'ASC']] }) };
    };
    const found = await existing();
    if (found) return this.sameRequest(found, request);
    try {
      return await this.db.transaction(async (transaction) => {
        const wallet = await this.lockWallet(request.userId, transaction);
        if (wallet.balanceFen < request.amountFen) {
          throw new DomainError('INSUFFICIENT_BALANCE', `the balance is ${wallet.balanceFen} fen; ${wallet.heldFen} fen more is held for charging`, { balanceFen: wallet.balanceFen });
        }
        const topUps = await TopUp.findAll({ where: { userId: request.userId, status: 'succeeded', provider: REFUNDABLE_PROVIDERS }, transaction });
        const refunded = await Refund.findAll({
          where: { topUpId: topUps.map((t) => t.id), status: ['processing', 'succeeded', 'abnormal'] },
          attributes: ['topUpId', 'amountFen'],
          transaction,
        });
        const refundedOf = (topUpId: string) => refunded.filter((r) => r.topUpId === topUpId).reduce((sum, r) => sum + r.amountFen, 0);
        const shares = allocateWithdrawal(
          request.amountFen,
          topUps.map((t) => ({ topUpId: t.id, amountFen: t.amountFen, refundedFen: refundedOf(t.id), paidAtMs: t.createdAt.getTime() })),
          request.nowMs,
        );
        const withdrawal = await Withdrawal.create({ id: randomUUID(), userId: request.userId, amountFen: request.amountFen, idempotencyKey: request.idempotencyKey }, { transaction });
        const refunds: Refund[] = [];
        for (const share of shares) {
          const provider = topUps.find((t) => t.id === share.topUpId)!.provider;
          refunds.push(
            await Refund.create(
              { outRefundNo: newOutRefundNo(), userId: request.userId, withdrawalId: withdrawal.id, provider, ...share, status: 'processing', providerRefundId: null, settledAt: null },
              { transaction },
            ),
          );
        }
        await this.move({ wallet, kind: 'withdrawal', lines: journalLines.withdrawal(request.userId, request.amountFen), idempotencyKey: `withdrawal:${withdrawal.id}`, transaction });
        return { withdrawal, refunds };
      });
    } catch (error) {
      const raced = error instanceof UniqueConstraintError && (await existing());
      if (raced) return this.sameRequest(raced, request);
      throw error;
    }
  }

  /**
   * Records where a refund ended, once: a refund the provider closed puts its amount back into the wallet; an
   * abnormal one (the payer's account could not take it) stays with support. Returns the refund as recorded.
   */
  async settleRefund(outRefundNo: string, outcome: { status: Exclude<RefundStatus, 'processing'>; providerRefundId?: string; atMs: number }): Promise<Refund> {
    return this.db.transaction(async (transaction) => {
      const refund = await this.db.models.Refund.findByPk(outRefundNo, { transaction, lock: transaction.LOCK.UPDATE });
      if (!refund) throw new DomainError('NOT_FOUND', `no refund ${outRefundNo}`);
      if (refund.status !== 'processing' && refund.status !== 'abnormal') return refund;
      if (refund.status === outcome.status) return refund;
      if (outcome.status === 'closed') {
        const wallet = await this.lockWallet(refund.userId, transaction);
        const lines = journalLines.refundReturned(accounts.wallet(refund.userId), refund.amountFen);
        await this.move({ wallet, kind: 'refund_reversal', lines, idempotencyKey: `refund-reversal:${outRefundNo}`, outRefundNo, transaction });
      }
      if (outcome.status === 'succeeded') {
        const entry = { idempotencyKey: `refund-paid:${outRefundNo}`, kind: 'refund_paid' as const, outRefundNo, lines: journalLines.refundPaid(clearingProvider(refund.provider), refund.amountFen) };
        await postJournalEntry(this.db, entry, transaction);
      }
      return refund.update({ status: outcome.status, providerRefundId: outcome.providerRefundId ?? refund.providerRefundId, settledAt: new Date(outcome.atMs) }, { transaction });
    });
  }

  /** A driver's withdrawals, newest first, each with its refunds. */
  async withdrawals(userId: string, limit: number): Promise<{ withdrawal: Withdrawal; refunds: Refund[] }[]> {
    const { Withdrawal, Refund } = this.db.models;
    const withdrawals = await Withdrawal.findAll({ where: { userId }, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit });
    const refunds = await Refund.findAll({ where: { withdrawalId: withdrawals.map((w) => w.id) }, order: [['createdAt', 'ASC'], ['outRefundNo', 'ASC']] });
    return withdrawals.map((withdrawal) => ({ withdrawal, refunds: refunds.filter((r) => r.withdrawalId === withdrawal.id) }));
  }

  /** Refunds still processing that were opened before `beforeMs`, newest first. */
  async processingRefundsOpenedBefore(beforeMs: number, limit: number): Promise<string[]> {
    const refunds = await this.db.models.Refund.findAll({
      where: { status: 'processing', createdAt: { [Op.lt]: new Date(beforeMs) } },
      attributes: ['outRefundNo'],
      order: [['createdAt', 'DESC'], ['outRefundNo', 'DESC']],
      limit,
    });
    return refunds.map((r) => r.outRefundNo);
  }

  /** A refund and the top-up it pays back. */
  async refund(outRefundNo: string): Promise<{ refund: Refund; topUp: TopUp } | undefined> {
    const refund = await this.db.models.Refund.findByPk(outRefundNo);
    const topUp = refund && (await this.db.models.TopUp.findByPk(refund.topUpId));
    return refund && topUp ? { refund, topUp } : undefined;
  }

  private sameRequest<T extends { withdrawal: Withdrawal }>(found: T, request: { userId: string; amountFen: number }): T {
    if (found.withdrawal.userId !== request.userId || found.withdrawal.amountFen !== request.amountFen) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key: already used for a different withdrawal', { field: 'Idempotency-Key' });
    }
    return found;
  }

  async wallet(userId: string): Promise<Wallet> {
    await this.ensureWallet(userId);
    return (await this.db.models.Wallet.findByPk(userId))!;
  }

  /** The pre-authorization hold of a session, if one was placed. */
  hold(sessionId: string): Promise<PaymentHold | null> {
    return this.db.models.PaymentHold.findByPk(sessionId);
  }

  /** The wallet's ledger, newest entry first. */
  transactions(userId: string, limit: number): Promise<WalletTransaction[]> {
    return this.db.models.WalletTransaction.findAll({ where: { userId }, order: [['id', 'DESC']], limit });
  }

  /** Every wallet holding money and every hold, in a stable order: what an audit (or a test) compares before and after. */
  async moneySnapshot(): Promise<{ wallets: { userId: string; balanceFen: number; heldFen: number }[]; holds: { sessionId: string; amountFen: number; status: string; capturedFen: number; releasedFen: number }[] }> {
    const { Wallet, PaymentHold } = this.db.models;
    const wallets = await Wallet.findAll({ raw: true, order: [['userId', 'ASC']], attributes: ['userId', 'balanceFen', 'heldFen'] });
    const holds = await PaymentHold.findAll({ raw: true, order: [['sessionId', 'ASC']], attributes: ['sessionId', 'amountFen', 'status', 'capturedFen', 'releasedFen'] });
    return { wallets: wallets.filter((w) => w.balanceFen !== 0 || w.heldFen !== 0), holds };
  }

  /**
   * Creates the wallet row if missing, outside any money transaction: locking a row that does not exist yet
   * takes a gap lock, and concurrent first top-ups would then deadlock on the insert.
   */
  /** Creates the driver's empty wallet unless it exists (outside any transaction: a lost race is ignored). */
  async ensureWallet(userId: string): Promise<void> {
    await this.db.models.Wallet.bulkCreate([{ userId, balanceFen: 0, heldFen: 0 }], { ignoreDuplicates: true });
  }

  private async lockWallet(userId: string, transaction: Transaction): Promise<Wallet> {
    const wallet = await this.db.models.Wallet.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!wallet) throw new DomainError('NOT_FOUND', `user ${userId} has no wallet`);
    return wallet;
  }

  /**
   * Posts the movement's journal entry and applies it to the locked wallet (the projection of its journal accounts),
   * with the wallet's own record of it; a key posted before changes nothing. No movement takes a wallet below zero.
   */
  private async move(entry: WalletMove) {
    const { wallet, transaction } = entry;
    const balanceDeltaFen = accountChange(entry.lines, accounts.wallet(wallet.userId));
    const heldDeltaFen = accountChange(entry.lines, accounts.holds(wallet.userId));
    if (wallet.balanceFen + balanceDeltaFen < 0 || wallet.heldFen + heldDeltaFen < 0) {
      throw new DomainError('INSUFFICIENT_BALANCE', `the balance is ${wallet.balanceFen} fen and ${wallet.heldFen} fen is held; ${entry.kind} would take it below zero`, { balanceFen: wallet.balanceFen });
    }
    const journal = { idempotencyKey: entry.idempotencyKey, kind: entry.kind, sessionId: entry.sessionId, topUpId: entry.topUpId, outRefundNo: entry.outRefundNo, lines: entry.lines };
    if ((await postJournalEntry(this.db, journal, transaction)) === 'already_posted') return;
    await wallet.update({ balanceFen: wallet.balanceFen + balanceDeltaFen, heldFen: wallet.heldFen + heldDeltaFen }, { transaction });
    await this.db.models.WalletTransaction.create(
      {
        userId: wallet.userId,
        kind: entry.kind,
        amountFen: Math.abs(balanceDeltaFen) || Math.abs(heldDeltaFen),
        balanceAfterFen: wallet.balanceFen,
        heldAfterFen: wallet.heldFen,
        sessionId: entry.sessionId ?? null,
        topUpId: entry.topUpId ?? null,
        idempotencyKey: entry.idempotencyKey,
      },
      { transaction },
    );
  }
}
