import type { PayscoreOrders } from '../db/payscore-orders';
import type { OpenRefund, RefundBook } from './refunds';
import type { WeChatPayRefunds } from './wechat-pay/wechat-pay-refunds';

/**
 * Refunds of part of a Payscore-paid order (staff's review decision), for the refund desk: each goes back to WeChat
 * Pay against the payment WeChat Pay collected for the order, under the refund's own out_refund_no.
 */
export class PayscoreRefunds implements RefundBook {
  constructor(private readonly deps: { orders: PayscoreOrders; gateway?: Pick<WeChatPayRefunds, 'refundPayment' | 'query'> }) {}

  async open(outRefundNo: string): Promise<OpenRefund | undefined> {
    const { orders } = this.deps;
    const refund = await orders.refund(outRefundNo);
    if (!refund) return undefined;
    const gateway = () => {
      if (!this.deps.gateway) throw new Error(`WeChat Pay is not configured here: Payscore refund ${outRefundNo} waits until it is`);
      return this.deps.gateway;
    };
    return {
      outRefundNo,
      amountFen: refund.amountFen,
      status: refund.status,
      submit: async () => {
        const order = await orders.bySession(refund.sessionId);
        // Thrown, so the refund's workflow asks again later: the order's watch learns the payment meanwhile.
        if (!order?.transactionId || order.totalFen === null) throw new Error(`WeChat Pay has not collected the Payscore order of session ${refund.sessionId} yet; refund ${outRefundNo} waits for it`);
        return gateway().refundPayment({ outRefundNo, amountFen: refund.amountFen, transactionId: order.transactionId, paidFen: order.totalFen, reason: '订单调整退款' });
      },
      query: () => gateway().query(refund),
      settle: async (outcome) => (await orders.settleRefund(outRefundNo, outcome)).status,
    };
  }
}
