import { Op, QueryTypes } from 'sequelize';
import { DomainError } from '../domain/errors';
import { type ClearingProvider, type JournalKind, accounts } from '../domain/ledger';
import type { Mismatch, MoneyMovement } from '../domain/reconciliation';
import type { Database } from './database';
import type { ReconciliationMismatch, ReconciliationRun } from './models';
import { WECHAT_PAY_TOP_UP_KEY_PREFIX } from './wechat-pay-orders';

/** The clearing accounts of money WeChat Pay moves for us, all listed in its one trade bill: JSAPI top-ups and Payscore. */
const WECHAT_PAY_CLEARING: ClearingProvider[] = ['wechatpay', 'payscore'];

/** Our side of a day, and what each reconciliation run found. */
export class ReconciliationBooks {
  constructor(private readonly db: Database) {}

  /**
   * Our side of WeChat Pay's bill for [fromMs, toMs), read from the journal: every entry on a WeChat Pay clearing
   * account (top-ups and Payscore collections as payments, refunds WeChat Pay confirmed as refunds), for the amount it
   * moved through that account. Each is filed under the day WeChat Pay gives it, as recorded on the row the entry
   * refers to: a top-up when its order was paid (before that time was recorded: when it was credited), a Payscore
   * order when WeChat Pay collected it (a completed order not collected yet is on no day until it is), a refund when
   * it succeeded (or when it was recorded so). Keyed as the bill is: out_trade_no (a Payscore order's out_order_no)
   * for payments, out_refund_no for refunds.
   */
  async wechatPayMovements(fromMs: number, toMs: number): Promise<MoneyMovement[]> {
    const rows = await this.db.sequelize.query<{ kind: JournalKind; reference: string; debit_fen: number | string; credit_fen: number | string }>(
      `SELECT kind, reference, debit_fen, credit_fen FROM (
         SELECT e.kind, l.debit_fen, l.credit_fen,
                -- an entry whose row is gone still shows, under its own key
                COALESCE(CASE e.kind WHEN 'top_up' THEN o.out_trade_no WHEN 'provider_capture' THEN p.out_order_no ELSE e.out_refund_no END, e.idempotency_key) AS reference,
                CASE e.kind
                  WHEN 'top_up' THEN COALESCE(o.paid_at, e.created_at)
                  WHEN 'provider_capture' THEN p.paid_at
                  ELSE COALESCE(r.settled_at, pr.settled_at, e.created_at)
                END AS filed_at
         FROM ledger_lines l
         JOIN ledger_entries e ON e.id = l.entry_id
         LEFT JOIN top_ups t ON e.kind = 'top_up' AND t.id = e.top_up_id
         LEFT JOIN wechat_pay_orders o ON o.out_trade_no = SUBSTR(t.idempotency_key, :keyStart)
         LEFT JOIN payscore_orders p ON e.kind = 'provider_capture' AND p.session_id = e.session_id
         LEFT JOIN refunds r ON e.kind = 'refund_paid' AND r.out_refund_no = e.out_refund_no
         LEFT JOIN payscore_refunds pr ON e.kind = 'refund_paid' AND pr.out_refund_no = e.out_refund_no
         WHERE l.account IN (:accounts) AND e.kind IN ('top_up', 'provider_capture', 'refund_paid')
       ) movements
       WHERE filed_at >= :from AND filed_at < :to`,
      {
        replacements: { accounts: WECHAT_PAY_CLEARING.map(accounts.providerClearing), keyStart: WECHAT_PAY_TOP_UP_KEY_PREFIX.length + 1, from: new Date(fromMs), to: new Date(toMs) },
        type: QueryTypes.SELECT,
      },
    );
    return rows.map((row): MoneyMovement => ({
      kind: row.kind === 'refund_paid' ? 'refund' : 'payment',
      reference: row.reference,
      amountFen: Number(row.kind === 'refund_paid' ? row.credit_fen : row.debit_fen),
    }));
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
