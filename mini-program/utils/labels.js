/**
 * Words and colour tones for the API's codes. A tone is a class in app.wxss (tone-success, tone-info,
 * tone-primary, tone-warning, tone-danger, tone-muted), so every status looks the same on every page.
 */
const PILE_STATUS = {
  idle: { text: '空闲', tone: 'success' },
  reserved: { text: '已预约', tone: 'info' },
  charging: { text: '充电中', tone: 'primary' },
  occupied: { text: '占用', tone: 'warning' },
  fault: { text: '故障', tone: 'danger' },
  offline: { text: '离线', tone: 'muted' },
};

const SESSION_STATUS = {
  RESERVED: { text: '已预约', tone: 'info' },
  AUTHORIZING: { text: '预授权中', tone: 'primary' },
  STARTING: { text: '启动中', tone: 'primary' },
  CHARGING: { text: '充电中', tone: 'primary' },
  STOPPING: { text: '停止中', tone: 'warning' },
  SETTLING: { text: '结算中', tone: 'warning' },
  COMPLETED: { text: '已完成', tone: 'success' },
  SETTLEMENT_FAILED: { text: '待结算', tone: 'warning' },
  CANCELLED: { text: '已取消', tone: 'muted' },
  EXPIRED: { text: '已过期', tone: 'muted' },
  DECLINED: { text: '余额不足', tone: 'danger' },
  START_FAILED: { text: '启动失败', tone: 'danger' },
  REJECTED: { text: '桩已被占用', tone: 'danger' },
};

const ORDER_STATUS = {
  paid: { text: '已支付', tone: 'success' },
  payment_pending: { text: '待结算', tone: 'warning' },
};

const FEEDBACK_STATUS = {
  open: { text: '待回复', tone: 'warning' },
  replied: { text: '已回复', tone: 'success' },
  closed: { text: '已关闭', tone: 'muted' },
};

const LABEL_SETS = { pile: PILE_STATUS, session: SESSION_STATUS, order: ORDER_STATUS, feedback: FEEDBACK_STATUS };

const END_REASON = {
  DRIVER_STOPPED: '手动停止',
  STAFF_STOPPED: '运营人员停止',
  OPERATOR_CANCELLED: '运营人员取消',
  PREAUTH_EXHAUSTED: '预授权金额已用完',
  TARGET_AMOUNT_REACHED: '已达到设定金额',
  TARGET_ENERGY_REACHED: '已达到设定电量',
  TARGET_SOC_REACHED: '已达到目标电量百分比',
  MAX_DURATION_REACHED: '已达到最长充电时间',
  PILE_STOPPED: '充电桩结束充电',
  PILE_FAULT: '充电桩故障',
  PILE_SILENT: '充电桩失去连接',
  START_REFUSED: '充电桩拒绝启动',
  START_NOT_ACKNOWLEDGED: '充电桩未响应',
  INSUFFICIENT_BALANCE: '余额不足',
  PAYMENT_DECLINED: '微信支付分未通过',
  RESERVATION_CANCELLED: '已取消预约',
  RESERVATION_EXPIRED: '预约已过期',
  PILE_BUSY: '充电桩已被占用',
};

const PILE_TYPE = { fast: '快充', slow: '慢充' };
const FEEDBACK_KIND = { complaint: '投诉', suggestion: '建议' };
const WALLET_ENTRY = { top_up: '充值', hold: '充电预授权', capture: '充电扣款', release: '预授权退回', withdrawal: '余额退款', refund_reversal: '退款失败退回', order_refund: '订单退款' };

/** A withdrawal's refunds, as the driver reads them. */
const REFUND_STATUS = { processing: '退款中', succeeded: '已退回微信', closed: '退款关闭，已退回余额', abnormal: '退款异常，客服处理中' };

/** `{text, tone}` of a status of the given kind ('pile', 'session', 'order', 'feedback'). */
function statusLabel(kind, status) {
  return (LABEL_SETS[kind] && LABEL_SETS[kind][status]) || { text: status || '', tone: 'muted' };
}

module.exports = { statusLabel, END_REASON, PILE_TYPE, FEEDBACK_KIND, WALLET_ENTRY, REFUND_STATUS };
