import type { Fen } from './money';

/** A money movement as one side records it: a payment (by out_trade_no) or a refund (by out_refund_no). */
export interface MoneyMovement {
  kind: 'payment' | 'refund';
  reference: string;
  amountFen: Fen;
}

export const MISMATCH_KINDS = ['missing_in_books', 'missing_at_provider', 'amount_differs'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatch {
  kind: MismatchKind;
  movement: 'payment' | 'refund';
  reference: string;
  booksFen: Fen | null;
  providerFen: Fen | null;
}

const keyOf = (m: MoneyMovement) => `${m.kind}:${m.reference}`;

function totals(movements: MoneyMovement[]): Map<string, MoneyMovement> {
  const byKey = new Map<string, MoneyMovement>();
  for (const m of movements) {
    const seen = byKey.get(keyOf(m));
    byKey.set(keyOf(m), seen ? { ...seen, amountFen: seen.amountFen + m.amountFen } : { ...m });
  }
  return byKey;
}

/**
 * One day's movements line by line: what the provider's bill has and our books do not, the reverse, and what both
 * have for different amounts (a reference listed twice counts with its sum). Sorted for a stable report.
 */
export function reconcile(provider: MoneyMovement[], books: MoneyMovement[]): Mismatch[] {
  const theirs = totals(provider);
  const ours = totals(books);
  const mismatches: Mismatch[] = [];
  for (const [key, p] of theirs) {
    const b = ours.get(key);
    if (!b) mismatches.push({ kind: 'missing_in_books', movement: p.kind, reference: p.reference, booksFen: null, providerFen: p.amountFen });
    else if (b.amountFen !== p.amountFen) mismatches.push({ kind: 'amount_differs', movement: p.kind, reference: p.reference, booksFen: b.amountFen, providerFen: p.amountFen });
  }
  for (const [key, b] of ours) {
    if (!theirs.has(key)) mismatches.push({ kind: 'missing_at_provider', movement: b.kind, reference: b.reference, booksFen: b.amountFen, providerFen: null });
  }
  return mismatches.sort((a, b) => a.movement.localeCompare(b.movement) || a.reference.localeCompare(b.reference));
}

/** The instants a local calendar day spans, in a zone of fixed offset (China: +08:00, no daylight saving). */
export function dayBounds(isoDate: string, utcOffsetMinutes: number): { fromMs: number; toMs: number } {
  const midnightUtc = Date.parse(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || Number.isNaN(midnightUtc)) throw new RangeError(`not a date: "${isoDate}"`);
  const fromMs = midnightUtc - utcOffsetMinutes * 60_000;
  return { fromMs, toMs: fromMs + 24 * 60 * 60_000 };
}

/** The local calendar day before the one containing `atMs`. */
export function previousDay(atMs: number, utcOffsetMinutes: number): string {
  return new Date(atMs + utcOffsetMinutes * 60_000 - 24 * 60 * 60_000).toISOString().slice(0, 10);
}
