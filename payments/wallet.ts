import { randomUUID } from 'node:crypto';
import { Transaction, UniqueConstraintError } from 'sequelize';
import type { AuthorizeRequest, CaptureRequest, PaymentProvider } from '../activities/ports';
import type { Database } from '../db/database';
import { Order, PaymentHold, TopUp, Wallet, WalletEntryKind, WalletTransaction } from '../db/models';
import { DomainError } from '../domain/errors';
import { PreauthDecision, decidePreauthorization } from '../domain/preauthorization';

/**
 * The prepaid wallet: top-ups, and pre-authorization holds that settlement captures or releases.
 * Every write is one transaction keyed so that a retry finds its earlier result instead of writing twice:
 * holds by session id, ledger entries by a unique idempotency key.
 *
 * Invariant, for every wallet: balance + held = top-ups − captured.
 */
export class WalletPayments implements PaymentProvider {
  constructor(private readonly db: Database) {}

  async authorize({ sessionId, userId, limits, policy }: AuthorizeRequest): Promise<PreauthDecision> {
    await this.ensureWallet(userId);
    return this.db.transaction(async (transaction) => {
      const existing = await PaymentHold.findByPk(sessionId, { transaction });
      if (existing) return { approved: true, holdFen: existing.amountFen };
      const wallet = await this.lockWallet(userId, transaction);
      const decision = decidePreauthorization(wallet.balanceFen, limits, policy);
      if (!decision.approved) return decision;
      await PaymentHold.create({ sessionId, userId, amountFen: decision.holdFen, status: 'held', capturedFen: 0, releasedFen: 0 }, { transaction });
      await this.move(wallet, 'hold', -decision.holdFen, decision.holdFen, `${sessionId}:hold`, { sessionId }, transaction);
      return decision;
    });
  }

  async capture({ sessionId, userId, pileId, stationId, bill }: CaptureRequest): Promise<void> {
    await this.db.transaction(async (transaction) => {
      const hold = await PaymentHold.findByPk(sessionId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!hold) throw new DomainError('NOT_FOUND', `session ${sessionId} has no payment hold to capture`);
      if (hold.status === 'captured') return;
      if (hold.status === 'released') throw new DomainError('SESSION_STATE_CONFLICT', `the hold of session ${sessionId} was already released`);
      if (bill.heldFen !== hold.amountFen || bill.capturedFen + bill.releasedFen !== hold.amountFen) {
        throw new DomainError('VALIDATION_FAILED', `bill does not match the hold of ${hold.amountFen} fen`, { bill });
      }
      const wallet = await this.lockWallet(userId, transaction);
      if (bill.capturedFen > 0) await this.move(wallet, 'capture', 0, -bill.capturedFen, `${sessionId}:capture`, { sessionId }, transaction);
      if (bill.releasedFen > 0) await this.move(wallet, 'release', bill.releasedFen, -bill.releasedFen, `${sessionId}:release`, { sessionId }, transaction);
      await hold.update({ status: 'captured', capturedFen: bill.capturedFen, releasedFen: bill.releasedFen }, { transaction });
      await Order.create(
        {
          id: randomUUID(),
          sessionId,
          userId,
          pileId,
          stationId,
          energyWh: bill.energyWh,
          totalFen: bill.totalFen,
          capturedFen: bill.capturedFen,
          releasedFen: bill.releasedFen,
          uncollectedFen: bill.uncollectedFen,
          bill,
        },
        { transaction },
      );
    });
  }

  async release(sessionId: string): Promise<void> {
    await this.db.transaction(async (transaction) => {
      const hold = await PaymentHold.findByPk(sessionId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!hold || hold.status !== 'held') return;
      const wallet = await this.lockWallet(hold.userId, transaction);
      await this.move(wallet, 'release', hold.amountFen, -hold.amountFen, `${sessionId}:release`, { sessionId }, transaction);
      await hold.update({ status: 'released', releasedFen: hold.amountFen }, { transaction });
    });
  }

  /** Credits a confirmed top-up once per idempotency key; a repeated key returns the first top-up. */
  async creditTopUp(request: { userId: string; amountFen: number; provider: string; providerRef: string | null; idempotencyKey: string }): Promise<TopUp> {
    if (!Number.isSafeInteger(request.amountFen) || request.amountFen <= 0) {
      throw new DomainError('VALIDATION_FAILED', 'amountFen must be a positive whole number of fen', { field: 'amountFen' });
    }
    await this.ensureWallet(request.userId);
    try {
      return await this.db.transaction(async (transaction) => {
        const existing = await TopUp.findOne({ where: { idempotencyKey: request.idempotencyKey }, transaction });
        if (existing) return existing;
        const topUp = await TopUp.create({ id: randomUUID(), ...request, status: 'succeeded' }, { transaction });
        const wallet = await this.lockWallet(request.userId, transaction);
        await this.move(wallet, 'top_up', request.amountFen, 0, `top-up:${topUp.id}`, { topUpId: topUp.id }, transaction);
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

  async wallet(userId: string): Promise<Wallet> {
    await this.ensureWallet(userId);
    return (await Wallet.findByPk(userId))!;
  }

  /**
   * Creates the wallet row if missing, outside any money transaction: locking a row that does not exist yet
   * takes a gap lock, and concurrent first top-ups would then deadlock on the insert.
   */
  private async ensureWallet(userId: string): Promise<void> {
    await Wallet.bulkCreate([{ userId, balanceFen: 0, heldFen: 0 }], { ignoreDuplicates: true });
  }

  private async lockWallet(userId: string, transaction: Transaction): Promise<Wallet> {
    const wallet = await Wallet.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!wallet) throw new DomainError('NOT_FOUND', `user ${userId} has no wallet`);
    return wallet;
  }

  private async move(
    wallet: Wallet,
    kind: WalletEntryKind,
    balanceDelta: number,
    heldDelta: number,
    idempotencyKey: string,
    refs: { sessionId?: string; topUpId?: string },
    transaction: Transaction,
  ) {
    const amountFen = Math.abs(balanceDelta) || Math.abs(heldDelta);
    await wallet.update({ balanceFen: wallet.balanceFen + balanceDelta, heldFen: wallet.heldFen + heldDelta }, { transaction });
    await WalletTransaction.create(
      {
        userId: wallet.userId,
        kind,
        amountFen,
        balanceAfterFen: wallet.balanceFen,
        heldAfterFen: wallet.heldFen,
        sessionId: refs.sessionId ?? null,
        topUpId: refs.topUpId ?? null,
        idempotencyKey,
      },
      { transaction },
    );
  }
}
