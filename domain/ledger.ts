import { DomainError } from './errors';
import type { Fen } from './money';

/**
 * The double-entry journal: which lines each movement of money posts. Pure; db/ledger.ts writes them.
 * The chart of accounts is documented in docs/ledger.md.
 */

/** Payment providers that hold money for us, each with its clearing account. */
export const CLEARING_PROVIDERS = ['wechatpay', 'sandbox', 'payscore'] as const;
export type ClearingProvider = (typeof CLEARING_PROVIDERS)[number];

export const accounts = {
  /** The driver's available balance: owed to the driver (liability). */
  wallet: (userId: string) => `wallet:${userId}`,
  /** Pre-authorized for the driver's open sessions (liability). */
  holds: (userId: string) => `holds:${userId}`,
  /** Money a provider collected for us and has not paid back out (asset). */
  providerClearing: (provider: ClearingProvider) => `provider_clearing:${provider}`,
  revenueElectricity: 'revenue:electricity',
  revenueService: 'revenue:service',
  revenueIdle: 'revenue:idle',
  /** Contra-revenue: what reviews gave back of settled orders. */
  revenueAdjustments: 'revenue:adjustments',
  /** Refunds sent to a provider, not yet confirmed (liability). */
  refundsPayable: 'refunds_payable',
  /** Billed above what was pre-authorized: owed to us by the driver (asset). */
  uncollectedDebt: 'uncollected_debt',
  /** Balances that existed before the journal did (migration 0014). */
  equityOpening: 'equity:opening',
} as const;

const ACCOUNT_PATTERN = new RegExp(
  [
    '^(wallet|holds):[A-Za-z0-9_-]{1,36}$',
    `^provider_clearing:(${CLEARING_PROVIDERS.join('|')})$`,
    '^revenue:(electricity|service|idle|adjustments)$',
    '^(refunds_payable|uncollected_debt|equity:opening)$',
  ].join('|'),
);

export const isAccount = (value: string): boolean => ACCOUNT_PATTERN.test(value);

/** Accounts whose balance is read debit minus credit (assets and the contra-revenue); every other is credit minus debit. */
export const isDebitNormal = (account: string): boolean => account.startsWith('provider_clearing:') || account === accounts.uncollectedDebt || account === accounts.revenueAdjustments;

export const isProviderClearing = (provider: string): provider is ClearingProvider => (CLEARING_PROVIDERS as readonly string[]).includes(provider);

/**
 * `provider_capture`: a bill paid by a provider at settlement (Payscore) rather than from a hold; `refund_paid`: a
 * refund the provider confirmed; `refund_reversal`: a refund the provider closed, back to the wallet.
 */
export const JOURNAL_KINDS = ['opening', 'top_up', 'hold', 'capture', 'provider_capture', 'release', 'withdrawal', 'refund_paid', 'refund_reversal', 'order_refund'] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

/** One side of one account: exactly one of the two amounts is positive. */
export interface JournalLine {
  account: string;
  debitFen: Fen;
  creditFen: Fen;
}

export interface JournalEntry {
  /** Unique: posting the same key again changes nothing. */
  idempotencyKey: string;
  kind: JournalKind;
  sessionId?: string | null;
  topUpId?: string | null;
  outRefundNo?: string | null;
  lines: JournalLine[];
}

const debit = (account: string, fen: Fen): JournalLine => ({ account, debitFen: fen, creditFen: 0 });
const credit = (account: string, fen: Fen): JournalLine => ({ account, debitFen: 0, creditFen: fen });
/** A transfer of `fen` from `from` (debited) to `to` (credited). */
const transfer = (from: string, to: string, fen: Fen): JournalLine[] => [debit(from, fen), credit(to, fen)];

/** The components of a settled bill, as domain/billing.ts `Bill` carries them. */
export interface BillAmounts {
  electricityFen: Fen;
  serviceFen: Fen;
  idleFeeFen: Fen;
  totalFen: Fen;
  capturedFen: Fen;
  uncollectedFen: Fen;
}

/** The lines of each movement. Lines of zero are left out; an entry of no line at all posts nothing. */
export const journalLines = {
  topUp: (userId: string, provider: ClearingProvider, fen: Fen) => transfer(accounts.providerClearing(provider), accounts.wallet(userId), fen),
  hold: (userId: string, fen: Fen) => transfer(accounts.wallet(userId), accounts.holds(userId), fen),
  release: (userId: string, fen: Fen) => transfer(accounts.holds(userId), accounts.wallet(userId), fen),
  /**
   * A bill recognized in full as revenue by component; `paidFrom` (the driver's holds, or a provider's clearing
   * account) gives what was captured, and what the capture could not cover is debt.
   */
  bill: (paidFrom: string, bill: BillAmounts): JournalLine[] => {
    if (bill.electricityFen + bill.serviceFen + bill.idleFeeFen !== bill.totalFen || bill.capturedFen + bill.uncollectedFen !== bill.totalFen) {
      throw new DomainError('LEDGER_UNBALANCED', 'the bill\'s components do not add up to its total', { bill });
    }
    return withoutZeros([
      debit(paidFrom, bill.capturedFen),
      debit(accounts.uncollectedDebt, bill.uncollectedFen),
      credit(accounts.revenueElectricity, bill.electricityFen),
      credit(accounts.revenueService, bill.serviceFen),
      credit(accounts.revenueIdle, bill.idleFeeFen),
    ]);
  },
  withdrawal: (userId: string, fen: Fen) => transfer(accounts.wallet(userId), accounts.refundsPayable, fen),
  refundPaid: (provider: ClearingProvider, fen: Fen) => transfer(accounts.refundsPayable, accounts.providerClearing(provider), fen),
  /** A refund the provider closed: its amount goes back to where it was taken from (the wallet, for a withdrawal). */
  refundReturned: (to: string, fen: Fen) => transfer(accounts.refundsPayable, to, fen),
  /** Part of a settled order given back: to the wallet, or to `refunds_payable` when a provider pays it back. */
  orderRefund: (to: string, fen: Fen) => transfer(accounts.revenueAdjustments, to, fen),
  /** What a wallet held before the journal existed, opened against `equity:opening`. */
  openingWallet: (userId: string, balanceFen: Fen, heldFen: Fen) => opening([accounts.wallet(userId), balanceFen], [accounts.holds(userId), heldFen]),
  /** Any other account's balance before the journal existed (in its normal direction), opened against `equity:opening`. */
  openingBalance: (account: string, fen: Fen) => opening([account, fen]),
};

/** Credits (debits, for a debit-normal account) each account its opening balance; equity takes the other side. */
function opening(...balances: [string, Fen][]): JournalLine[] {
  const lines = balances.map(([account, fen]) => {
    const signed = isDebitNormal(account) ? -fen : fen;
    return signed >= 0 ? credit(account, signed) : debit(account, -signed);
  });
  const net = lines.reduce((sum, l) => sum + l.creditFen - l.debitFen, 0);
  return withoutZeros([...lines, net >= 0 ? debit(accounts.equityOpening, net) : credit(accounts.equityOpening, -net)]);
}

const withoutZeros = (lines: JournalLine[]) => lines.filter((l) => l.debitFen !== 0 || l.creditFen !== 0);

const isFen = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * Refuses an entry that could not be posted: an unknown kind or account, an amount that is not whole non-negative fen,
 * a line on both sides or neither, or debits that do not equal credits. Returns the entry's total.
 */
export function checkEntry(entry: JournalEntry): Fen {
  const refuse = (message: string) => {
    throw new DomainError('LEDGER_UNBALANCED', `journal entry ${entry.idempotencyKey}: ${message}`, { idempotencyKey: entry.idempotencyKey });
  };
  if (typeof entry.idempotencyKey !== 'string' || entry.idempotencyKey.length === 0 || entry.idempotencyKey.length > 128) refuse('the idempotency key must be 1 to 128 characters');
  if (!(JOURNAL_KINDS as readonly string[]).includes(entry.kind)) refuse(`unknown kind ${String(entry.kind)}`);
  if (!Array.isArray(entry.lines) || entry.lines.length < 2) refuse('an entry has at least two lines');
  let debits = 0;
  let credits = 0;
  for (const line of entry.lines) {
    if (typeof line.account !== 'string' || !isAccount(line.account)) refuse(`unknown account ${String(line.account)}`);
    if (!isFen(line.debitFen) || !isFen(line.creditFen)) refuse(`amounts on ${line.account} must be whole non-negative fen`);
    if ((line.debitFen > 0) === (line.creditFen > 0)) refuse(`a line on ${line.account} must be a debit or a credit, not both or neither`);
    debits += line.debitFen;
    credits += line.creditFen;
  }
  if (!Number.isSafeInteger(debits) || debits !== credits) refuse(`debits ${debits} fen ≠ credits ${credits} fen`);
  return debits;
}

/** How an entry changes one account, in its normal direction (a credit raises a wallet, a debit raises clearing). */
export function accountChange(lines: readonly JournalLine[], account: string): Fen {
  const net = lines.filter((l) => l.account === account).reduce((sum, l) => sum + l.creditFen - l.debitFen, 0);
  return isDebitNormal(account) ? -net : net;
}

/** Two entries post the same thing: the same lines, in any order. */
export function sameLines(a: readonly JournalLine[], b: readonly JournalLine[]): boolean {
  const key = (l: JournalLine) => `${l.account}|${l.debitFen}|${l.creditFen}`;
  const sorted = (lines: readonly JournalLine[]) => lines.map(key).sort().join('\n');
  return sorted(a) === sorted(b);
}
