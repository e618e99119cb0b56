import { z } from 'zod';
import type { Refund, RefundStatus, TopUp } from '../../db/models';
import { DomainError } from '../../domain/errors';
import type { RefundAnswer, RefundDesk, RefundGateway } from '../refunds';
import { type SignedMessage, type WeChatPayClient, errorCode, parseJson } from './client';

/** WeChat Pay's refund statuses, as ours. */
const STATUS: Record<string, RefundStatus> = { SUCCESS: 'succeeded', CLOSED: 'closed', PROCESSING: 'processing', ABNORMAL: 'abnormal' };

const refundAnswer = z.object({
  refund_id: z.string().max(64),
  out_refund_no: z.string().max(64),
  status: z.string(),
  success_time: z.string().max(64).optional(),
  amount: z.object({ refund: z.number().int(), total: z.number().int() }),
});
const refundNotice = z.object({
  mchid: z.string(),
  out_refund_no: z.string().max(64),
  refund_id: z.string().max(64),
  refund_status: z.string(),
  success_time: z.string().max(64).optional(),
  amount: z.object({ refund: z.number().int(), total: z.number().int() }),
});

/** A refund as WeChat Pay knows it: our out_refund_no and its amount. */
type RefundKey = Pick<Refund, 'outRefundNo' | 'amountFen'>;

export interface PaymentRefund extends RefundKey {
  transactionId: string;
  /** What the payment being refunded was of. */
  paidFen: number;
  reason: string;
}

/**
 * Refunds through WeChat Pay API v3 (/v3/refund/domestic/refunds): one request per out_refund_no — WeChat Pay
 * answers a repeat with the same refund — then queried until it ends; its notifications are verified like payments'.
 */
export class WeChatPayRefunds implements RefundGateway {
  constructor(private readonly client: WeChatPayClient) {}

  async submit(refund: Refund, topUp: TopUp): Promise<RefundAnswer> {
    if (!topUp.providerRef) throw new DomainError('VALIDATION_FAILED', `top-up ${topUp.id} has no WeChat Pay transaction to refund`);
    return this.refundPayment({ ...refund.get(), transactionId: topUp.providerRef, paidFen: refund.topUpAmountFen, reason: '余额退款' });
  }

  /** Refunds `amountFen` of the WeChat Pay payment `transactionId` (of `paidFen`), under our out_refund_no. */
  async refundPayment(request: PaymentRefund): Promise<RefundAnswer> {
    const body = JSON.stringify({
      transaction_id: request.transactionId,
      out_refund_no: request.outRefundNo,
      reason: request.reason,
      notify_url: new URL('refund-notify', this.client.config.notifyUrl).toString(),
      amount: { refund: request.amountFen, total: request.paidFen, currency: 'CNY' },
    });
    return this.answerOf(request, await this.client.call('POST', '/v3/refund/domestic/refunds', body), 'refund');
  }

  async query(refund: RefundKey): Promise<RefundAnswer> {
    return this.answerOf(refund, await this.client.call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(refund.outRefundNo)}`), 'refund query');
  }

  /** A refund notification: authenticated, for our merchant, for the amount we asked; recorded through the desk. */
  async confirm(message: SignedMessage, desk: Pick<RefundDesk, 'notified'>): Promise<void> {
    const { resource } = this.client.openNotification(message, refundNotice);
    if (resource.mchid !== this.client.config.mchId) throw new DomainError('VALIDATION_FAILED', 'the notification is for another merchant');
    const status = STATUS[resource.refund_status];
    if (!status) throw new DomainError('VALIDATION_FAILED', `unknown refund status ${resource.refund_status}`);
    await desk.notified(resource.out_refund_no, { status, providerRefundId: resource.refund_id, endedAtMs: instant(resource.success_time) }, resource.amount.refund);
  }

  private answerOf(refund: RefundKey, answer: { ok: boolean; status: number; text: string }, what: string): RefundAnswer {
    if (!answer.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the ${what} (${answer.status} ${errorCode(answer.text)})`);
    const parsed = parseJson(refundAnswer, answer.text, `${what} answer`);
    if (parsed.out_refund_no !== refund.outRefundNo || parsed.amount.refund !== refund.amountFen) {
      throw new DomainError('UPSTREAM_FAILED', `WeChat Pay answered for refund ${parsed.out_refund_no} of ${parsed.amount.refund} fen; we asked for ${refund.outRefundNo} of ${refund.amountFen}`);
    }
    const status = STATUS[parsed.status];
    if (!status) throw new DomainError('UPSTREAM_FAILED', `unknown refund status ${parsed.status}`);
    return { status, providerRefundId: parsed.refund_id, endedAtMs: instant(parsed.success_time) };
  }
}

/** An RFC 3339 time of WeChat Pay as epoch ms; unset or unreadable: undefined. */
function instant(text: string | undefined): number | undefined {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
