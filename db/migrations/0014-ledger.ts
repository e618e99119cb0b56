import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { CLEARING_PROVIDERS, type JournalLine, accounts, journalLines } from '../../domain/ledger';

/**
 * The double-entry journal (docs/ledger.md). Money that existed before it is opened against `equity:opening`: each
 * wallet's balance and holds, the refunds still unconfirmed, and what each provider holds for us (its top-ups less the
 * refunds it paid), so balances derived from the journal equal the wallets from the first day.
 */
const at = () => ({ type: DataTypes.DATE(3), allowNull: false });
const fen = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
const CHUNK = 500;

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('ledger_entries', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    idempotency_key: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(24), allowNull: false },
    session_id: { type: DataTypes.STRING(36), allowNull: true },
    top_up_id: { type: DataTypes.STRING(36), allowNull: true },
    out_refund_no: { type: DataTypes.STRING(64), allowNull: true },
    created_at: at(),
  });
  await qi.addIndex('ledger_entries', ['created_at']);
  await qi.addIndex('ledger_entries', ['session_id']);
  await qi.createTable('ledger_lines', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    entry_id: { type: DataTypes.INTEGER, allowNull: false },
    account: { type: DataTypes.STRING(64), allowNull: false },
    debit_fen: fen(),
    credit_fen: fen(),
  });
  await qi.addIndex('ledger_lines', ['entry_id']);
  await qi.addIndex('ledger_lines', ['account']);
  await postOpeningBalances(qi);
}

async function postOpeningBalances(qi: QueryInterface) {
  const { sequelize } = qi;
  await sequelize.transaction(async (transaction) => {
    const select = <T extends object>(sql: string) => sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction });
    const wallets = await select<{ user_id: string; balance_fen: number; held_fen: number }>(
      'SELECT user_id, balance_fen, held_fen FROM wallets WHERE balance_fen <> 0 OR held_fen <> 0 ORDER BY user_id',
    );
    const [unconfirmed] = await select<{ fen: number | null }>("SELECT SUM(amount_fen) AS fen FROM refunds WHERE status IN ('processing', 'abnormal')");
    const paidIn = await select<{ provider: string; fen: number }>("SELECT provider, SUM(amount_fen) AS fen FROM top_ups WHERE status = 'succeeded' GROUP BY provider");
    const paidOut = await select<{ provider: string; fen: number }>("SELECT provider, SUM(amount_fen) AS fen FROM refunds WHERE status = 'succeeded' GROUP BY provider");
    const sumOf = (rows: { provider: string; fen: number }[], provider: string) => Number(rows.find((r) => r.provider === provider)?.fen ?? 0);

    const openings: { key: string; lines: JournalLine[] }[] = [
      ...wallets.map((w) => ({ key: `opening:wallet:${w.user_id}`, lines: journalLines.openingWallet(w.user_id, Number(w.balance_fen), Number(w.held_fen)) })),
      { key: 'opening:refunds_payable', lines: journalLines.openingBalance(accounts.refundsPayable, Number(unconfirmed?.fen ?? 0)) },
      ...CLEARING_PROVIDERS.map((p) => ({ key: `opening:provider_clearing:${p}`, lines: journalLines.openingBalance(accounts.providerClearing(p), sumOf(paidIn, p) - sumOf(paidOut, p)) })),
    ].filter((o) => o.lines.length > 0);

    const now = new Date();
    for (let i = 0; i < openings.length; i += CHUNK) {
      const chunk = openings.slice(i, i + CHUNK);
      await qi.bulkInsert('ledger_entries', chunk.map((o) => ({ idempotency_key: o.key, kind: 'opening', created_at: now })), { transaction });
      const ids = await sequelize.query<{ id: number; idempotency_key: string }>('SELECT id, idempotency_key FROM ledger_entries WHERE idempotency_key IN (:keys)', {
        type: QueryTypes.SELECT,
        replacements: { keys: chunk.map((o) => o.key) },
        transaction,
      });
      const idOf = new Map(ids.map((r) => [r.idempotency_key, r.id]));
      const lines = chunk.flatMap((o) => o.lines.map((l) => ({ entry_id: idOf.get(o.key), account: l.account, debit_fen: l.debitFen, credit_fen: l.creditFen })));
      await qi.bulkInsert('ledger_lines', lines, { transaction });
    }
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('ledger_lines');
  await qi.dropTable('ledger_entries');
}
