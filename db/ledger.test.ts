import { BOTH_DIALECTS } from '../test/support/fresh-database';
import type { Database } from './database';
import { LedgerBooks, postJournalEntry } from './ledger';
import { type JournalEntry, journalLines } from '../domain/ledger';

const aTopUp = (key: string, fen: number): JournalEntry => ({ idempotencyKey: key, kind: 'top_up', topUpId: key, lines: journalLines.topUp('ann', 'sandbox', fen) });

describe.each(BOTH_DIALECTS)('posting journal entries on %s', (_dialect, fresh) => {
  let db: Database;
  let drop: () => Promise<void>;
  let books: LedgerBooks;

  beforeAll(async () => {
    ({ db, drop } = await fresh());
    await db.migrate();
    books = new LedgerBooks(db);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('posts a balanced entry with its lines and references', async () => {
    expect(await db.transaction((t) => postJournalEntry(db, aTopUp('posts', 500), t))).toBe('posted');
    const entry = await db.models.LedgerEntry.findOne({ where: { idempotencyKey: 'posts' } });
    expect(entry).toMatchObject({ kind: 'top_up', topUpId: 'posts', sessionId: null });
    const lines = await db.models.LedgerLine.findAll({ where: { entryId: entry!.id }, attributes: ['account', 'debitFen', 'creditFen'], raw: true, order: [['id', 'ASC']] });
    expect(lines).toEqual([
      { account: 'provider_clearing:sandbox', debitFen: 500, creditFen: 0 },
      { account: 'wallet:ann', debitFen: 0, creditFen: 500 },
    ]);
  });

  it('posts a key once: the same entry again changes nothing', async () => {
    const before = await books.accountBalance('wallet:ann');
    expect(await db.transaction((t) => postJournalEntry(db, aTopUp('once', 700), t))).toBe('posted');
    expect(await db.transaction((t) => postJournalEntry(db, aTopUp('once', 700), t))).toBe('already_posted');
    expect((await books.accountBalance('wallet:ann')).balanceFen).toBe(before.balanceFen + 700);
  });

  it('refuses a key posted before with other lines', async () => {
    await db.transaction((t) => postJournalEntry(db, aTopUp('reused', 700), t));
    await expect(db.transaction((t) => postJournalEntry(db, aTopUp('reused', 701), t))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an entry that does not balance, writing nothing', async () => {
    const unbalanced: JournalEntry = { idempotencyKey: 'unbalanced', kind: 'hold', lines: [{ account: 'wallet:ann', debitFen: 100, creditFen: 0 }, { account: 'holds:ann', debitFen: 0, creditFen: 90 }] };
    await expect(db.transaction((t) => postJournalEntry(db, unbalanced, t))).rejects.toMatchObject({ code: 'LEDGER_UNBALANCED' });
    expect(await db.models.LedgerEntry.count({ where: { idempotencyKey: 'unbalanced' } })).toBe(0);
  });

  it('rolls back with the business write it belongs to', async () => {
    await expect(
      db.transaction(async (t) => {
        await postJournalEntry(db, aTopUp('rolled-back', 900), t);
        throw new Error('the business write failed');
      }),
    ).rejects.toThrow('the business write failed');
    expect(await db.models.LedgerEntry.count({ where: { idempotencyKey: 'rolled-back' } })).toBe(0);
    expect((await books.trialBalance()).unbalancedEntryIds).toEqual([]);
  });

  it("sums an account's lines in its normal direction", async () => {
    const clearing = await books.accountBalance('provider_clearing:sandbox');
    const wallet = await books.accountBalance('wallet:ann');
    expect(clearing.balanceFen).toBe(clearing.debitFen - clearing.creditFen);
    expect(wallet.balanceFen).toBe(clearing.balanceFen);
    expect(await books.accountBalance('holds:nobody')).toEqual({ account: 'holds:nobody', debitFen: 0, creditFen: 0, balanceFen: 0 });
  });
});
