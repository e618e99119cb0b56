import { SequelizeStorage, Umzug } from 'umzug';
import { BOTH_DIALECTS } from '../../test/support/fresh-database';
import { type Database, MIGRATIONS } from '../database';
import { LedgerBooks } from '../ledger';
import { WalletPayments } from '../wallet';

const AT = new Date(Date.UTC(2026, 10, 1, 2, 0, 0));
const wallet = (userId: string, balanceFen: number, heldFen: number) => ({ user_id: userId, balance_fen: balanceFen, held_fen: heldFen, updated_at: AT });
const topUp = (id: string, userId: string, provider: string, amountFen: number, status = 'succeeded') => ({
  id,
  user_id: userId,
  amount_fen: amountFen,
  provider,
  status,
  provider_ref: null,
  idempotency_key: `key-${id}`,
  created_at: AT,
  updated_at: AT,
});
const refund = (no: string, topUpId: string, provider: string, amountFen: number, status: string) => ({
  out_refund_no: no,
  user_id: 'ann',
  withdrawal_id: null,
  top_up_id: topUpId,
  provider,
  amount_fen: amountFen,
  top_up_amount_fen: 10_000,
  status,
  provider_refund_id: null,
  settled_at: null,
  created_at: AT,
  updated_at: AT,
});

describe.each(BOTH_DIALECTS)('migration 0014 (the journal) on %s', (_dialect, fresh) => {
  let db: Database;
  let drop: () => Promise<void>;
  let books: LedgerBooks;

  beforeAll(async () => {
    ({ db, drop } = await fresh());
    const qi = db.sequelize.getQueryInterface();
    const storage = new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations' });
    await new Umzug({ migrations: MIGRATIONS, context: qi, storage, logger: undefined }).up({ to: '0013-reconciliation' });
    await qi.bulkInsert('wallets', [wallet('ann', 6000, 2000), wallet('bob', 1500, 0), wallet('cat', 0, 0)]);
    await qi.bulkInsert('top_ups', [
      topUp('t1', 'ann', 'wechatpay', 10_000),
      topUp('t2', 'bob', 'sandbox', 1500),
      topUp('t3', 'bob', 'wechatpay', 700, 'pending'),
    ]);
    await qi.bulkInsert('refunds', [refund('r1', 't1', 'wechatpay', 1200, 'succeeded'), refund('r2', 't1', 'wechatpay', 800, 'processing'), refund('r3', 't1', 'wechatpay', 300, 'closed')]);
    await db.migrate();
    books = new LedgerBooks(db);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it("opens every wallet's balance and holds, so balances derived from the journal equal the wallets", async () => {
    expect(await books.walletProjectionMismatches()).toEqual([]);
    expect((await books.accountBalance('wallet:ann')).balanceFen).toBe(6000);
    expect((await books.accountBalance('holds:ann')).balanceFen).toBe(2000);
    expect((await books.accountBalance('wallet:bob')).balanceFen).toBe(1500);
  });

  it('opens what each provider holds for us (paid top-ups less paid refunds) and the refunds not yet confirmed', async () => {
    expect((await books.accountBalance('provider_clearing:wechatpay')).balanceFen).toBe(10_000 - 1200);
    expect((await books.accountBalance('provider_clearing:sandbox')).balanceFen).toBe(1500);
    expect((await books.accountBalance('refunds_payable')).balanceFen).toBe(800);
  });

  it('balances: every opening entry against equity, debits equal credits', async () => {
    const trial = await books.trialBalance();
    expect(trial.unbalancedEntryIds).toEqual([]);
    expect(trial.debitFen).toBe(trial.creditFen);
    expect(trial.accounts.map((a) => a.account)).not.toContain('wallet:cat');
  });

  it('keeps the wallets equal to the journal through the movements that follow', async () => {
    await new WalletPayments(db).creditTopUp({ userId: 'ann', amountFen: 100, provider: 'sandbox', providerRef: null, idempotencyKey: 'after-the-migration' });
    expect((await books.accountBalance('wallet:ann')).balanceFen).toBe(6100);
    expect(await books.walletProjectionMismatches()).toEqual([]);
  });
});
