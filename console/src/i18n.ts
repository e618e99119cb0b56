import { createI18n } from 'vue-i18n';

/** Chinese first; English mirrors every key (the type below makes a missing English label a build error). */
const zhCN = {
  app: { title: '充电运营控制台', language: '语言', signOut: '退出登录', loading: '加载中…', none: '暂无数据', refresh: '刷新', cancel: '取消', save: '保存', confirm: '确定', close: '关闭', actions: '操作', reason: '原因', reasonHint: '请说明原因（3–500 字）', search: '搜索', all: '全部', saved: '已保存', live: '实时', print: '打印', yes: '是', no: '否' },
  menu: { fleet: '设备总览', stations: '站点', tariffs: '电价', commands: '远程指令', alarms: '告警', staff: '员工', audit: '审计日志', reconciliation: '对账', account: '我的账户' },
  role: { operator: '运营', support: '客服', admin: '管理员', driver: '车主' },
  signIn: { title: '员工登录', username: '用户名', password: '密码', code: '动态验证码', codeNeeded: '该账户已启用两步验证，请输入验证码', submit: '登录', failed: '登录失败' },
  fleet: { total: '总数', available: '空闲', charging: '充电中', offline: '离线', faulted: '故障', filterStatus: '状态筛选', filterStation: '站点', searchPile: '桩编号', power: '功率', energy: '电量', liveConnected: '实时连接', liveDisconnected: '实时断开' },
  status: { idle: '空闲', available: '空闲', reserved: '已预约', charging: '充电中', occupied: '已插枪', fault: '故障', faulted: '故障', offline: '离线' },
  station: { list: '站点列表', create: '新建站点', edit: '编辑站点', name: '名称', address: '地址', lat: '纬度', lng: '经度', openingHours: '营业时间', tariff: '电价', piles: '充电桩', retired: '已停用', retire: '停用', unretire: '恢复', includeRetired: '含已停用', pileCount: '桩数', onCall: '值班人员', editOnCall: '编辑值班', open: '查看' },
  pile: { code: '桩编号', type: '类型', fast: '快充', slow: '慢充', maxPowerW: '最大功率 (W)', connectorType: '接口类型', connectorCount: '枪数', add: '添加充电桩', credentials: '设备凭据（仅显示一次，请立即保存）', qr: '二维码标签', status: '状态', currentSession: '当前订单', noSession: '无进行中的订单', recentSessions: '最近订单', startedAt: '开始', endedAt: '结束', energyWh: '电量 (Wh)', totalFen: '金额', endReason: '结束原因', curve: '功率 / 电量曲线', powerKw: '功率 (kW)', energyKwh: '电量 (kWh)', alarms: '本桩告警', commands: '指令记录', retire: '停用', station: '站点' },
  tariff: { list: '电价方案', create: '新建电价', newVersion: '新版本', name: '名称', utcOffsetMinutes: 'UTC 偏移 (分钟)', bands: '时段', bandName: '时段名', from: '开始', to: '结束', electricity: '电费 (分/kWh)', service: '服务费 (分/kWh)', idleFee: '占位费 (分/分钟)', idleGrace: '免费占位 (分钟)', version: '版本', effectiveFrom: '生效时间', current: '当前', versions: '历史版本', addBand: '添加时段', createdBy: '创建人' },
  command: { send: '发送指令', type: '指令', state: '状态', requestedBy: '发起人', attempts: '尝试次数', detail: '详情', createdAt: '时间', driverId: '车主 ID', connectorId: '枪号', heartbeatIntervalS: '心跳间隔 (秒)', qrContent: '二维码内容', displayPriceFenPerKwh: '显示电价 (分/kWh)', sent: '已发送', types: { start: '启动充电', stop: '停止充电', reset: '重启', unlock: '解锁', configure: '参数配置' }, states: { sent: '已发送', accepted: '已接受', rejected: '已拒绝', expired: '已过期', failed: '失败' } },
  alarm: { kind: '类型', code: '代码', message: '描述', state: '状态', raisedAt: '发生时间', assignee: '负责人', occurrences: '次数', escalation: '升级级别', history: '处理记录', acknowledge: '确认', assign: '指派', note: '备注', addNote: '添加备注', resolve: '解决', staffId: '员工', kinds: { offline: '离线', fault: '故障', meter: '计量', platform: '平台' }, states: { open: '未处理', acknowledged: '已确认', resolved: '已解决' }, actions: { raised: '触发', notified: '已通知', escalated: '已升级', acknowledged: '已确认', assigned: '已指派', note: '备注', cleared: '已恢复', resolved: '已解决' } },
  staff: { list: '员工账户', create: '新建账户', username: '用户名', role: '角色', totp: '两步验证', disabled: '已停用', disabledAt: '停用时间', state: '状态', active: '正常', disable: '停用', enable: '启用', resetPassword: '重置密码', clearTotp: '同时清除两步验证', password: '初始密码（仅显示一次）', passwordHint: '请把密码安全地交给本人；关闭后无法再次查看。', phone: '电话', contact: '联系方式', wechatOpenId: '微信 openid' },
  reconciliation: { open: '待处理', resolved: '已处理', billDate: '账单日期', runAgain: '重新对账', started: '对账已开始', nothing: '没有差异', kind: '差异类型', movement: '类型', reference: '单号', books: '我方金额', provider: '微信支付金额', note: '处理说明', noteHint: '如何处理（3–500 字）', resolve: '标记已处理', runs: '对账记录', providerName: '渠道', providerLines: '渠道笔数', booksLines: '我方笔数', mismatches: '差异数', ranAt: '对账时间', kinds: { missing_in_books: '我方缺失', missing_at_provider: '渠道缺失', amount_differs: '金额不符' }, movements: { payment: '收款', refund: '退款' } },
  audit: { at: '时间', actor: '操作人', action: '操作', target: '对象', reason: '原因', result: '结果', more: '加载更多' },
  account: { title: '我的账户', totp: '两步验证 (TOTP)', totpEnabled: '两步验证已启用', enrol: '开始绑定', scan: '用验证器 App 扫描二维码，然后输入 6 位验证码', confirmCode: '确认绑定', uri: '手动输入' },
  sessions: {
    menu: '充电订单', reviewMenu: '异常订单审核', failuresMenu: '结算失败', search: '订单查询', pile: '桩编号', station: '站点 ID', driver: '车主 ID', status: '状态', needsReview: '待审核', period: '时间段', from: '开始', to: '结束',
    id: '订单号', createdAt: '创建时间', energy: '电量', amount: '金额', reason: '原因', open: '查看', more: '加载更多', reviewState: '审核状态', states: { resolved: '已处理', escalated: '已升级', none: '未处理' },
    timeline: '状态记录', bill: '分时段账单', band: '时段', unitPrice: '单价 (分/kWh)', electricity: '电费', service: '服务费', idleFee: '占位费', total: '合计', captured: '实扣', released: '退回', uncollected: '未收',
    meter: '电表读数', meterStart: '开始读数 (Wh)', meterStop: '结束读数 (Wh)', commands: '指令', sessionCommands: '会话指令', operatorCommands: '运营指令', temporal: '在 Temporal 中查看工作流', noTemporal: '未配置 Temporal Web UI',
    payment: '支付', hold: '预授权', order: '订单', refunded: '已退款', ledger: '钱包流水', reviews: '审核记录', decide: '审核处理', decision: '处理', note: '备注', refundYuan: '退款金额 (元)',
    decisions: { approve: '通过', adjust: '调整退款', escalate: '升级' }, decided: '已记录审核结果', retry: '重试结算', retried: '已提交重试', noteHint: '说明审核结论（1–500 字）',
  },
  driver: { menu: '车主', list: '车主', searchHint: '手机号、昵称、openid 或用户 ID', name: '昵称', phone: '手机号', openid: 'openid', id: '用户 ID', createdAt: '注册时间', state: '状态', active: '正常', frozen: '已冻结', frozenOnly: '只看已冻结', frozenAt: '冻结时间', frozenBy: '冻结人', frozenReason: '冻结原因', freeze: '冻结', unfreeze: '解冻', freezeHint: '冻结后不能充电、预约或充值；进行中的充电正常结束，余额仍可退款。', wallet: '钱包', balance: '余额', held: '预授权中', holds: '预授权', transactions: '钱包流水', orders: '订单', vehicles: '车辆', plate: '车牌', model: '车型', feedback: '反馈', more: '加载更多', open: '查看', amount: '金额', kind: '类型' },
  feedback: { menu: '用户反馈', queue: '反馈队列', kind: '类型', status: '状态', content: '内容', driver: '车主', assignee: '负责人', createdAt: '提交时间', updatedAt: '更新时间', mine: '分给我的', unassigned: '未分配', reply: '回复', replyHint: '回复内容（车主会在小程序里看到）', send: '发送', assign: '指派', unassign: '取消指派', close: '关闭', closeReason: '关闭原因（可选）', conversation: '对话', fromDriver: '车主', fromSupport: '客服', kinds: { complaint: '投诉', suggestion: '建议' }, statuses: { open: '待处理', replied: '已回复', closed: '已关闭' }, more: '加载更多', open: '查看' },
};

type Messages = typeof zhCN;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };

const en: DeepStrings<Messages> = {
  app: { title: 'Charging operations console', language: 'Language', signOut: 'Sign out', loading: 'Loading…', none: 'No data', refresh: 'Refresh', cancel: 'Cancel', save: 'Save', confirm: 'OK', close: 'Close', actions: 'Actions', reason: 'Reason', reasonHint: 'Why (3–500 characters)', search: 'Search', all: 'All', saved: 'Saved', live: 'Live', print: 'Print', yes: 'Yes', no: 'No' },
  menu: { fleet: 'Fleet', stations: 'Stations', tariffs: 'Tariffs', commands: 'Commands', alarms: 'Alarms', staff: 'Staff', audit: 'Audit log', reconciliation: 'Reconciliation', account: 'My account' },
  role: { operator: 'Operator', support: 'Support', admin: 'Admin', driver: 'Driver' },
  signIn: { title: 'Staff sign-in', username: 'Username', password: 'Password', code: 'Authenticator code', codeNeeded: 'This account uses two-step verification: enter its code', submit: 'Sign in', failed: 'Sign-in failed' },
  fleet: { total: 'Total', available: 'Available', charging: 'Charging', offline: 'Offline', faulted: 'Faulted', filterStatus: 'Status', filterStation: 'Station', searchPile: 'Pile code', power: 'Power', energy: 'Energy', liveConnected: 'Live', liveDisconnected: 'Live feed down' },
  status: { idle: 'Idle', available: 'Available', reserved: 'Reserved', charging: 'Charging', occupied: 'Plugged in', fault: 'Fault', faulted: 'Faulted', offline: 'Offline' },
  station: { list: 'Stations', create: 'New station', edit: 'Edit station', name: 'Name', address: 'Address', lat: 'Latitude', lng: 'Longitude', openingHours: 'Opening hours', tariff: 'Tariff', piles: 'Piles', retired: 'Retired', retire: 'Retire', unretire: 'Bring back', includeRetired: 'Include retired', pileCount: 'Piles', onCall: 'On call', editOnCall: 'Edit on-call', open: 'Open' },
  pile: { code: 'Pile code', type: 'Type', fast: 'Fast', slow: 'Slow', maxPowerW: 'Max power (W)', connectorType: 'Connector', connectorCount: 'Connectors', add: 'Add pile', credentials: 'Device credentials (shown once: save them now)', qr: 'QR label', status: 'Status', currentSession: 'Current session', noSession: 'No session running', recentSessions: 'Recent sessions', startedAt: 'Started', endedAt: 'Ended', energyWh: 'Energy (Wh)', totalFen: 'Amount', endReason: 'End reason', curve: 'Power / energy', powerKw: 'Power (kW)', energyKwh: 'Energy (kWh)', alarms: 'Alarms of this pile', commands: 'Command history', retire: 'Retire', station: 'Station' },
  tariff: { list: 'Tariffs', create: 'New tariff', newVersion: 'New version', name: 'Name', utcOffsetMinutes: 'UTC offset (minutes)', bands: 'Time bands', bandName: 'Band', from: 'From', to: 'To', electricity: 'Electricity (fen/kWh)', service: 'Service (fen/kWh)', idleFee: 'Idle fee (fen/min)', idleGrace: 'Idle grace (min)', version: 'Version', effectiveFrom: 'Effective from', current: 'Current', versions: 'Versions', addBand: 'Add band', createdBy: 'Created by' },
  command: { send: 'Send command', type: 'Command', state: 'State', requestedBy: 'Requested by', attempts: 'Attempts', detail: 'Detail', createdAt: 'Time', driverId: 'Driver id', connectorId: 'Connector', heartbeatIntervalS: 'Heartbeat interval (s)', qrContent: 'QR content', displayPriceFenPerKwh: 'Display price (fen/kWh)', sent: 'Sent', types: { start: 'Start charging', stop: 'Stop charging', reset: 'Reset', unlock: 'Unlock', configure: 'Configure' }, states: { sent: 'Sent', accepted: 'Accepted', rejected: 'Rejected', expired: 'Expired', failed: 'Failed' } },
  alarm: { kind: 'Kind', code: 'Code', message: 'Message', state: 'State', raisedAt: 'Raised', assignee: 'Assignee', occurrences: 'Occurrences', escalation: 'Escalation', history: 'History', acknowledge: 'Acknowledge', assign: 'Assign', note: 'Note', addNote: 'Add note', resolve: 'Resolve', staffId: 'Staff member', kinds: { offline: 'Offline', fault: 'Fault', meter: 'Meter', platform: 'Platform' }, states: { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' }, actions: { raised: 'Raised', notified: 'Notified', escalated: 'Escalated', acknowledged: 'Acknowledged', assigned: 'Assigned', note: 'Note', cleared: 'Cleared', resolved: 'Resolved' } },
  staff: { list: 'Staff accounts', create: 'New account', username: 'Username', role: 'Role', totp: 'Two-step', disabled: 'Disabled', disabledAt: 'Disabled at', state: 'State', active: 'Active', disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password', clearTotp: 'Also clear two-step verification', password: 'Initial password (shown once)', passwordHint: 'Hand it to its owner safely; it cannot be shown again.', phone: 'Phone', contact: 'Contact', wechatOpenId: 'WeChat openid' },
  reconciliation: { open: 'Open', resolved: 'Resolved', billDate: 'Bill date', runAgain: 'Reconcile again', started: 'Reconciliation started', nothing: 'No differences', kind: 'Difference', movement: 'Type', reference: 'Reference', books: 'Our books', provider: 'WeChat Pay', note: 'Resolution', noteHint: 'How it was settled (3–500 characters)', resolve: 'Mark resolved', runs: 'Runs', providerName: 'Provider', providerLines: 'Provider lines', booksLines: 'Our lines', mismatches: 'Differences', ranAt: 'Ran at', kinds: { missing_in_books: 'Missing in our books', missing_at_provider: 'Missing at provider', amount_differs: 'Amounts differ' }, movements: { payment: 'Payment', refund: 'Refund' } },
  audit: { at: 'Time', actor: 'Actor', action: 'Action', target: 'Target', reason: 'Reason', result: 'Result', more: 'Load more' },
  account: { title: 'My account', totp: 'Two-step verification (TOTP)', totpEnabled: 'Two-step verification is on', enrol: 'Set up', scan: 'Scan the QR code with an authenticator app, then enter its 6-digit code', confirmCode: 'Confirm', uri: 'Manual entry' },
  sessions: {
    menu: 'Sessions', reviewMenu: 'Order review', failuresMenu: 'Settlement failures', search: 'Session search', pile: 'Pile code', station: 'Station id', driver: 'Driver id', status: 'Status', needsReview: 'Needs review', period: 'Period', from: 'From', to: 'To',
    id: 'Session', createdAt: 'Created', energy: 'Energy', amount: 'Amount', reason: 'Reason', open: 'Open', more: 'Load more', reviewState: 'Review', states: { resolved: 'Resolved', escalated: 'Escalated', none: 'Open' },
    timeline: 'Timeline', bill: 'Bill per band', band: 'Band', unitPrice: 'Price (fen/kWh)', electricity: 'Electricity', service: 'Service', idleFee: 'Idle fee', total: 'Total', captured: 'Captured', released: 'Released', uncollected: 'Uncollected',
    meter: 'Meter readings', meterStart: 'Start (Wh)', meterStop: 'Stop (Wh)', commands: 'Commands', sessionCommands: 'Session commands', operatorCommands: 'Operator commands', temporal: 'Open its workflow in Temporal', noTemporal: 'No Temporal Web UI configured',
    payment: 'Payment', hold: 'Hold', order: 'Order', refunded: 'Refunded', ledger: 'Wallet entries', reviews: 'Review decisions', decide: 'Decide', decision: 'Decision', note: 'Note', refundYuan: 'Refund (yuan)',
    decisions: { approve: 'Approve', adjust: 'Adjust (refund)', escalate: 'Escalate' }, decided: 'Decision recorded', retry: 'Retry settlement', retried: 'Retry sent', noteHint: 'Why (1–500 characters)',
  },
  driver: { menu: 'Drivers', list: 'Drivers', searchHint: 'Phone, nickname, openid or user id', name: 'Nickname', phone: 'Phone', openid: 'openid', id: 'User id', createdAt: 'Joined', state: 'State', active: 'Active', frozen: 'Frozen', frozenOnly: 'Frozen only', frozenAt: 'Frozen at', frozenBy: 'Frozen by', frozenReason: 'Why frozen', freeze: 'Freeze', unfreeze: 'Unfreeze', freezeHint: 'A frozen driver cannot start, reserve or top up; a running session finishes normally and the balance can still be withdrawn.', wallet: 'Wallet', balance: 'Balance', held: 'Held', holds: 'Holds', transactions: 'Wallet ledger', orders: 'Orders', vehicles: 'Vehicles', plate: 'Plate', model: 'Model', feedback: 'Feedback', more: 'Load more', open: 'Open', amount: 'Amount', kind: 'Kind' },
  feedback: { menu: 'Feedback', queue: 'Feedback queue', kind: 'Kind', status: 'Status', content: 'Content', driver: 'Driver', assignee: 'Assignee', createdAt: 'Submitted', updatedAt: 'Updated', mine: 'Assigned to me', unassigned: 'Unassigned', reply: 'Reply', replyHint: 'Your reply (the driver reads it in the mini-program)', send: 'Send', assign: 'Assign', unassign: 'Unassign', close: 'Close', closeReason: 'Why close (optional)', conversation: 'Conversation', fromDriver: 'Driver', fromSupport: 'Support', kinds: { complaint: 'Complaint', suggestion: 'Suggestion' }, statuses: { open: 'Open', replied: 'Replied', closed: 'Closed' }, more: 'Load more', open: 'Open' },
};

export type Locale = 'zh-CN' | 'en';
const LOCALE_KEY = 'evcp.console.locale';

function savedLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en: en as Messages },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
}
