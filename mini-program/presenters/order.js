const { yuan } = require('../utils/money');
const { kwh, dateTime, duration } = require('../utils/format');
const { END_REASON, PILE_TYPE } = require('../utils/labels');

/** One row of the Orders page (and the head of an order's page). */
function presentOrder(order) {
  const seconds = order.startedAt && order.stoppedAt ? (new Date(order.stoppedAt) - new Date(order.startedAt)) / 1000 : 0;
  return {
    id: order.id,
    status: order.status,
    stationName: order.station.name,
    pileText: `${order.pile.code} · ${PILE_TYPE[order.pile.type] || ''}`,
    startedAt: dateTime(order.startedAt || order.createdAt),
    duration: duration(seconds),
    energy: kwh(order.energyWh),
    total: yuan(order.totalFen),
    paid: yuan(order.paidFen),
    refund: yuan(order.refundFen),
    /** What staff gave back of the paid amount after reviewing the order; '' when nothing. */
    reviewRefund: order.reviewRefundFen > 0 ? yuan(order.reviewRefundFen) : '',
    reviewRefundTo: order.paymentMode === 'payscore' ? '微信支付' : '余额',
    reviewRefundedAt: order.reviewRefundedAt ? dateTime(order.reviewRefundedAt) : '',
    endReason: END_REASON[order.endReason] || '',
  };
}

module.exports = { presentOrder };
