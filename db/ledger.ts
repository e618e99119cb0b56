import { Op, QueryTypes, type Transaction, col, fn } from 'sequelize';
import type { Database } from './database';
import { DomainError } from '../domain/errors';
import { type Fen } from '../domain/money';
import { type JournalEntry, accounts, checkEntry, isDebitNormal, sameLines } from '../domain/ledger';

/**
 * Posts a journal entry in the caller's transaction — the one that makes the business write it records — exactly
 * once per idempotency key: a key posted before answers 'already_posted' without writing (and refuses, as a
 * CONFLICT, the same key with other lines). An entry that does not balance is refused (LEDGER_UNBALANCED).
 * Two transactions posting one key at the same moment: the second fails on the unique key (UniqueConstraintError) and
 * its retry finds the first; callers that lock the row they change first (a wallet, a refund) never meet that.
 */
export async function postJournalEntry(db: Database, entry: JournalEntry, transaction: Transaction): Promise<'posted' | 'already_posted'> {
  checkEntry(entry);
  const { LedgerEntry, LedgerLine } = db.models;
  const earlier = await LedgerEntry.findOne({ where: { idempotencyKey: entry.idempotencyKey }, transaction });
  if (earlier) {
    const lines = await LedgerLine.findAll({ where: { entryId: earlier.id }, attributes: ['account', 'debitFen', 'creditFen'], raw: true, transaction });
    if (earlier.kind !== entry.kind || !sameLines(lines, entry.lines)) {
      throw new DomainError('CONFLICT', `journal entry ${entry.idempotencyKey} was posted with other lines`, { idempotencyKey: entry.idempotencyKey });
    }
    return 'already_posted';
  }
  const created = await LedgerEntry.create(
    { idempotencyKey: entry.idempotencyKey, kind: entry.kind, sessionId: entry.sessionId ?? null, topUpId: entry.topUpId ?? null, outRefundNo: entry.outRefundNo ?? null },
    { transaction },
  );
  await LedgerLine.bulkCreate(
    entry.lines.map((l) => ({ entryId: created.id, account: l.account, debitFen: l.debitFen, creditFen: l.creditFen })),
    { transaction },
  );
  return 'posted';
}

export interface AccountTotals {
  account: string;
  debitFen: Fen;
  creditFen: Fen;
  /** In the account's normal direction: credit − debit for liabilities, income and equity; debit − credit for assets. */
  balanceFen: Fen;
}

const totals = (account: string, debitFen: Fen, creditFen: Fen): AccountTotals => ({
  account,
  debitFen,
  creditFen,
  balanceFen: isDebitNormal(account) ? debitFen - creditFen : creditFen - debitFen,
});

/** Reads of the journal: balances, the trial balance, and the wallets checked against it. */
export class LedgerBooks {
  constructor(private readonly db: Database) {}

  async accountBalance(account: string): Promise<AccountTotals> {
    const [row] = await this.sums({ account });
    return row ?? totals(account, 0, 0);
  }

  /**
   * Every account's totals, and the entries whose lines do not balance (none, unless the tables were written around
   * postJournalEntry). Balanced books: debits equal credits overall, so the accounts' signed balances sum to zero.
   */
  async trialBalance(): Promise<{ accounts: AccountTotals[]; debitFen: Fen; creditFen: Fen; unbalancedEntryIds: number[] }> {
    const rows = await this.sums({});
    const unbalanced = await this.db.models.LedgerLine.findAll({
      attributes: ['entryId'],
      group: ['entryId'],
      having: this.db.sequelize.where(fn('SUM', col('debit_fen')), Op.ne, fn('SUM', col('credit_fen'))),
      raw: true,
    });
    return {
      accounts: rows,
      debitFen: rows.reduce((s, r) => s + r.debitFen, 0),
      creditFen: rows.reduce((s, r) => s + r.creditFen, 0),
      unbalancedEntryIds: unbalanced.map((r) => r.entryId),
    };
  }

  /**
   * The `wallets` table is a projection of the journal, updated in the same transaction as every entry. The wallets
   * whose balance or held amount differ from their journal accounts (none, if all is well).
   */
  async walletProjectionMismatches(): Promise<{ userId: string; balanceFen: Fen; heldFen: Fen; journalBalanceFen: Fen; journalHeldFen: Fen }[]> {
    const journal = new Map(
      (await this.sums({ account: { [Op.or]: [{ [Op.like]: 'wallet:%' }, { [Op.like]: 'holds:%' }] } })).map((r) => [r.account, r.balanceFen]),
    );
    const wallets = await this.db.models.Wallet.findAll({ attributes: ['userId', 'balanceFen', 'heldFen'], raw: true });
    const seen = new Set(wallets.map((w) => w.userId));
    // A journal account of a wallet that does not exist is a mismatch too.
    for (const account of journal.keys()) {
      const userId = account.slice(account.indexOf(':') + 1);
      if (!seen.has(userId)) {
        seen.add(userId);
        wallets.push({ userId, balanceFen: 0, heldFen: 0 } as (typeof wallets)[number]);
      }
    }
    return wallets
      .map((w) => ({ ...w, journalBalanceFen: journal.get(accounts.wallet(w.userId)) ?? 0, journalHeldFen: journal.get(accounts.holds(w.userId)) ?? 0 }))
      .filter((w) => w.balanceFen !== w.journalBalanceFen || w.heldFen !== w.journalHeldFen);
  }

  /** Each account's totals over the entries posted in [from, to): e.g. a day's revenue by component. */
  async totalsBetween(from: Date, to: Date): Promise<AccountTotals[]> {
    const rows = await this.db.sequelize.query<{ account: string; debit_fen: number | string; credit_fen: number | string }>(
      `SELECT l.account, SUM(l.debit_fen) AS debit_fen, SUM(l.credit_fen) AS credit_fen
       FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
       WHERE e.created_at >= :from AND e.created_at < :to
       GROUP BY l.account ORDER BY l.account`,
      { replacements: { from, to }, type: QueryTypes.SELECT },
    );
    return rows.map((r) => totals(r.account, Number(r.debit_fen), Number(r.credit_fen)));
  }

  private async sums(where: Record<string, unknown>): Promise<AccountTotals[]> {
    const rows = (await this.db.models.LedgerLine.findAll({
      attributes: ['account', [fn('SUM', col('debit_fen')), 'debitFen'], [fn('SUM', col('credit_fen')), 'creditFen']],
      where,
      group: ['account'],
      order: [['account', 'ASC']],
      raw: true,
    })) as unknown as { account: string; debitFen: number | string; creditFen: number | string }[];
    return rows.map((r) => totals(r.account, Number(r.debitFen), Number(r.creditFen)));
  }
}
