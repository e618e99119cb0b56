import { Op } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Mismatch, MoneyMovement } from '../domain/reconciliation';
import type { Database } from './database';
import type { ReconciliationMismatch, ReconciliationRun } from './models';

/** Our side of a day, and what each reconciliation run found. */
export class ReconciliationBooks {
  constructor(private readonly db: Database) {}

  /**
   * WeChat Pay payments and refunds in our books within [fromMs, toMs): payments by when WeChat Pay says they were
   * paid (orders from before that was recorded: by when we recorded them), refunds by when they succeeded.
   */
  async wechatPayMovements(fromMs: number, toMs: number): Promise<MoneyMovement[]> {
    const { WeChatPayOrder, Refund } = this.db.models;
    const within = { [Op.gte]: new Date(fromMs), [Op.lt]: new Date(toMs) };
    const [orders, refunds] = await Promise.all([
      WeChatPayOrder.findAll({ where: { status: 'paid', [Op.or]: [{ paidAt: within }, { paidAt: null, updatedAt: within }] }, attributes: ['outTradeNo', 'amountFen'] }),
      Refund.findAll({ where: { provider: 'wechatpay', status: 'succeeded', settledAt: within }, attributes: ['outRefundNo', 'amountFen'] }),
    ]);
    return [
      ...orders.map((o): MoneyMovement => ({ kind: 'payment', reference: o.outTradeNo, amountFen: o.amountFen })),
      ...refunds.map((r): MoneyMovement => ({ kind: 'refund', reference: r.outRefundNo, amountFen: r.amountFen })),
    ];
  }

  /**
   * Records a run: the day's open mismatches are replaced by what this run found (a line fixed since is gone), and a
   * mismatch support already resolved stays resolved rather than coming back.
   */
  async recordRun(run: { billDate: string; provider: string; providerLines: number; booksLines: number; mismatches: Mismatch[]; atMs: number }): Promise<ReconciliationRun> {
    const { ReconciliationRun, ReconciliationMismatch } = this.db.models;
    return this.db.transaction(async (transaction) => {
      const scope = { billDate: run.billDate, provider: run.provider };
      await ReconciliationMismatch.destroy({ where: { ...scope, resolvedAt: null }, transaction });
      const resolved = await ReconciliationMismatch.findAll({ where: scope, attributes: ['kind', 'movement', 'reference'], transaction });
      const known = new Set(resolved.map((m) => `${m.kind}|${m.movement}|${m.reference}`));
      const fresh = run.mismatches.filter((m) => !known.has(`${m.kind}|${m.movement}|${m.reference}`));
      await ReconciliationMismatch.bulkCreate(
        fresh.map((m) => ({ ...scope, ...m, foundAt: new Date(run.atMs), resolvedAt: null, resolvedById: null, resolvedByName: null, note: null })),
        { transaction },
      );
      return ReconciliationRun.create({ ...scope, providerLines: run.providerLines, booksLines: run.booksLines, mismatches: run.mismatches.length, ranAt: new Date(run.atMs) }, { transaction });
    });
  }

  runs(limit: number): Promise<ReconciliationRun[]> {
    return this.db.models.ReconciliationRun.findAll({ order: [['id', 'DESC']], limit });
  }

  /** Mismatches, newest first; `open`: not resolved yet. Cursor: the last id seen. */
  mismatches(filter: { state: 'open' | 'resolved'; billDate?: string; limit: number; before?: number }): Promise<ReconciliationMismatch[]> {
    return this.db.models.ReconciliationMismatch.findAll({
      where: {
        resolvedAt: filter.state === 'open' ? null : { [Op.ne]: null },
        ...(filter.billDate ? { billDate: filter.billDate } : {}),
        ...(filter.before ? { id: { [Op.lt]: filter.before } } : {}),
      },
      order: [['id', 'DESC']],
      limit: filter.limit,
    });
  }

  /** Support says how a mismatch was settled; once only. */
  async resolve(id: number, by: { id: string; name: string }, note: string, atMs: number): Promise<ReconciliationMismatch> {
    const { ReconciliationMismatch } = this.db.models;
    const [changed] = await ReconciliationMismatch.update({ resolvedAt: new Date(atMs), resolvedById: by.id, resolvedByName: by.name, note }, { where: { id, resolvedAt: null } });
    const mismatch = await ReconciliationMismatch.findByPk(id);
    if (!mismatch) throw new DomainError('NOT_FOUND', `no mismatch ${id}`);
    if (!changed) throw new DomainError('CONFLICT', `mismatch ${id} was resolved already by ${mismatch.resolvedByName}`);
    return mismatch;
  }
}
