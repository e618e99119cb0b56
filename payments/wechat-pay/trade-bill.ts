import { DomainError } from '../../domain/errors';
import { fenFromYuan } from '../../domain/money';
import type { MoneyMovement } from '../../domain/reconciliation';

/** The columns of WeChat Pay's trade bill (bill_type=ALL) that reconciliation reads, by their header names. */
const COLUMNS = {
  tradeState: '交易状态',
  outTradeNo: '商户订单号',
  orderTotal: '订单金额',
  outRefundNo: '商户退款单号',
  refundAmount: '退款金额',
  refundStatus: '退款状态',
} as const;

/** Where the per-transaction lines end and the summary begins. */
const SUMMARY_HEADER = '总交易单数';

/**
 * WeChat Pay's daily trade bill (CSV, every field prefixed with a backtick, amounts in yuan) as money movements:
 * a SUCCESS line is a payment of its order amount, a REFUND line with refund status SUCCESS a refund of its amount.
 * Columns are found by name, so their order may change; a bill without them is refused.
 */
export function parseTradeBill(text: string): MoneyMovement[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = splitFields(lines[0]);
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([key, name]) => [key, header.indexOf(name)])) as Record<keyof typeof COLUMNS, number>;
  const missing = Object.entries(index).filter(([, i]) => i < 0).map(([key]) => COLUMNS[key as keyof typeof COLUMNS]);
  if (missing.length) throw new DomainError('UPSTREAM_FAILED', `the trade bill has no column ${missing.join(', ')}`);
  const movements: MoneyMovement[] = [];
  for (const line of lines.slice(1)) {
    const fields = splitFields(line);
    if (fields[0] === SUMMARY_HEADER) break;
    const state = fields[index.tradeState];
    if (state === 'SUCCESS') movements.push({ kind: 'payment', reference: fields[index.outTradeNo], amountFen: fenFromYuan(fields[index.orderTotal]) });
    else if (state === 'REFUND' && fields[index.refundStatus] === 'SUCCESS') {
      movements.push({ kind: 'refund', reference: fields[index.outRefundNo], amountFen: fenFromYuan(fields[index.refundAmount]) });
    }
  }
  return movements;
}

function splitFields(line: string): string[] {
  return line.split(',').map((field) => field.replace(/^`/, '').trim());
}
