import { createI18n } from 'vue-i18n';

/** Chinese first; English mirrors every key (the type below makes a missing English label a build error). */
const zhCN = {
  app: { title: '充电运营控制台', language: '语言', signOut: '退出登录', loading: '加载中…', none: '暂无数据', refresh: '刷新', cancel: '取消', save: '保存', confirm: '确定', close: '关闭', actions: '操作', reason: '原因', reasonHint: '请说明原因（3–500 字）', search: '搜索', all: '全部', saved: '已保存', live: '实时', print: '打印', yes: '是', no: '否' },
  menu: { dashboard: '数据看板', fleet: '设备总览', stations: '站点', tariffs: '电价', commands: '远程指令', alarms: '告警', staff: '员工', audit: '审计日志', account: '我的账户' },
  role: { operator: '运营', support: '客服', admin: '管理员', driver: '车主' },
  signIn: { title: '员工登录', username: '用户名', password: '密码', code: '动态验证码', codeNeeded: '该账户已启用两步验证，请输入验证码', submit: '登录', failed: '登录失败' },
  fleet: { total: '总数', available: '空闲', charging: '充电中', offline: '离线', faulted: '故障', filterStatus: '状态筛选', filterStation: '站点', searchPile: '桩编号', power: '功率', energy: '电量', liveConnected: '实时连接', liveDisconnected: '实时断开' },
  status: { idle: '空闲', available: '空闲', reserved: '已预约', charging: '充电中', occupied: '已插枪', fault: '故障', faulted: '故障', offline: '离线' },
  station: { list: '站点列表', create: '新建站点', edit: '编辑站点', name: '名称', address: '地址', lat: '纬度', lng: '经度', openingHours: '营业时间', tariff: '电价', piles: '充电桩', retired: '已停用', retire: '停用', unretire: '恢复', includeRetired: '含已停用', pileCount: '桩数', onCall: '值班人员', editOnCall: '编辑值班', open: '查看' },
  pile: { code: '桩编号', type: '类型', fast: '快充', slow: '慢充', maxPowerW: '最大功率 (W)', connectorType: '接口类型', connectorCount: '枪数', add: '添加充电桩', credentials: '设备凭据（仅显示一次，请立即保存）', qr: '二维码标签', status: '状态', currentSession: '当前订单', noSession: '无进行中的订单', recentSessions: '最近订单', startedAt: '开始', endedAt: '结束', energyWh: '电量 (Wh)', totalFen: '金额', endReason: '结束原因', curve: '功率 / 电量曲线', powerKw: '功率 (kW)', energyKwh: '电量 (kWh)', alarms: '本桩告警', commands: '指令记录', retire: '停用', station: '站点' },
  tariff: { list: '电价方案', create: '新建电价', newVersion: '新版本', name: '名称', utcOffsetMinutes: 'UTC 偏移 (分钟)', bands: '时段', bandName: '时段名', from: '开始', to: '结束', electricity: '电费 (分/kWh)', service: '服务费 (分/kWh)', idleFee: '占位费 (分/分钟)', idleGrace: '免费占位 (分钟)', version: '版本', effectiveFrom: '生效时间', current: '当前', versions: '历史版本', addBand: '添加时段', createdBy: '创建人' },
  command: { send: '发送指令', type: '指令', state: '状态', requestedBy: '发起人', attempts: '尝试次数', detail: '详情', createdAt: '时间', driverId: '车主 ID', connectorId: '枪号', heartbeatIntervalS: '心跳间隔 (秒)', qrContent: '二维码内容', displayPriceFenPerKwh: '显示电价 (分/kWh)', sent: '已发送', types: { start: '启动充电', stop: '停止充电', reset: '重启', unlock: '解锁', configure: '参数配置' }, states: { sent: '已发送', accepted: '已接受', rejected: '已拒绝', expired: '已过期', failed: '失败' } },
  alarm: { kind: '类型', code: '代码', message: '描述', state: '状态', raisedAt: '发生时间', assignee: '负责人', occurrences: '次数', escalation: '升级级别', history: '处理记录', acknowledge: '确认', assign: '指派', note: '备注', addNote: '添加备注', resolve: '解决', staffId: '员工', kinds: { offline: '离线', fault: '故障', meter: '计量', platform: '平台' }, states: { open: '未处理', acknowledged: '已确认', resolved: '已解决' }, actions: { raised: '触发', notified: '已通知', escalated: '已升级', acknowledged: '已确认', assigned: '已指派', note: '备注', cleared: '已恢复', resolved: '已解决' } },
  staff: { list: '员工账户', create: '新建账户', username: '用户名', role: '角色', totp: '两步验证', disabled: '已停用', disabledAt: '停用时间', state: '状态', active: '正常', disable: '停用', enable: '启用', resetPassword: '重置密码', clearTotp: '同时清除两步验证', password: '初始密码（仅显示一次）', passwordHint: '请把密码安全地交给本人；关闭后无法再次查看。', phone: '电话' },
  audit: { at: '时间', actor: '操作人', action: '操作', target: '对象', reason: '原因', result: '结果', more: '加载更多' },
  account: { title: '我的账户', totp: '两步验证 (TOTP)', totpEnabled: '两步验证已启用', enrol: '开始绑定', scan: '用验证器 App 扫描二维码，然后输入 6 位验证码', confirmCode: '确认绑定', uri: '手动输入' },
  dashboard: { period: '统计周期', granularity: '粒度', day: '按日', month: '按月', station: '站点', allStations: '全部站点（站点 ID）', refresh: '查询', energy: '充电量', energyKwh: '充电量 (kWh)', revenue: '收入', revenueYuan: '收入 (元)', electricityFen: '电费', serviceFen: '服务费', idleFeeFen: '占位费', sessions: '订单数', average: '单均', vsPrevious: '较上期', lastPeriodEnergy: '最近一期电量', utilization: '利用率', utilizationByStation: '各站点利用率', perPile: '按桩', chargingHours: '充电时长 (小时)', availableHours: '可用时长 (小时)', drivers: '用户', newDrivers: '新增用户', activeDrivers: '活跃用户' },
};

type Messages = typeof zhCN;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };

const en: DeepStrings<Messages> = {
  app: { title: 'Charging operations console', language: 'Language', signOut: 'Sign out', loading: 'Loading…', none: 'No data', refresh: 'Refresh', cancel: 'Cancel', save: 'Save', confirm: 'OK', close: 'Close', actions: 'Actions', reason: 'Reason', reasonHint: 'Why (3–500 characters)', search: 'Search', all: 'All', saved: 'Saved', live: 'Live', print: 'Print', yes: 'Yes', no: 'No' },
  menu: { dashboard: 'Dashboard', fleet: 'Fleet', stations: 'Stations', tariffs: 'Tariffs', commands: 'Commands', alarms: 'Alarms', staff: 'Staff', audit: 'Audit log', account: 'My account' },
  role: { operator: 'Operator', support: 'Support', admin: 'Admin', driver: 'Driver' },
  signIn: { title: 'Staff sign-in', username: 'Username', password: 'Password', code: 'Authenticator code', codeNeeded: 'This account uses two-step verification: enter its code', submit: 'Sign in', failed: 'Sign-in failed' },
  fleet: { total: 'Total', available: 'Available', charging: 'Charging', offline: 'Offline', faulted: 'Faulted', filterStatus: 'Status', filterStation: 'Station', searchPile: 'Pile code', power: 'Power', energy: 'Energy', liveConnected: 'Live', liveDisconnected: 'Live feed down' },
  status: { idle: 'Idle', available: 'Available', reserved: 'Reserved', charging: 'Charging', occupied: 'Plugged in', fault: 'Fault', faulted: 'Faulted', offline: 'Offline' },
  station: { list: 'Stations', create: 'New station', edit: 'Edit station', name: 'Name', address: 'Address', lat: 'Latitude', lng: 'Longitude', openingHours: 'Opening hours', tariff: 'Tariff', piles: 'Piles', retired: 'Retired', retire: 'Retire', unretire: 'Bring back', includeRetired: 'Include retired', pileCount: 'Piles', onCall: 'On call', editOnCall: 'Edit on-call', open: 'Open' },
  pile: { code: 'Pile code', type: 'Type', fast: 'Fast', slow: 'Slow', maxPowerW: 'Max power (W)', connectorType: 'Connector', connectorCount: 'Connectors', add: 'Add pile', credentials: 'Device credentials (shown once: save them now)', qr: 'QR label', status: 'Status', currentSession: 'Current session', noSession: 'No session running', recentSessions: 'Recent sessions', startedAt: 'Started', endedAt: 'Ended', energyWh: 'Energy (Wh)', totalFen: 'Amount', endReason: 'End reason', curve: 'Power / energy', powerKw: 'Power (kW)', energyKwh: 'Energy (kWh)', alarms: 'Alarms of this pile', commands: 'Command history', retire: 'Retire', station: 'Station' },
  tariff: { list: 'Tariffs', create: 'New tariff', newVersion: 'New version', name: 'Name', utcOffsetMinutes: 'UTC offset (minutes)', bands: 'Time bands', bandName: 'Band', from: 'From', to: 'To', electricity: 'Electricity (fen/kWh)', service: 'Service (fen/kWh)', idleFee: 'Idle fee (fen/min)', idleGrace: 'Idle grace (min)', version: 'Version', effectiveFrom: 'Effective from', current: 'Current', versions: 'Versions', addBand: 'Add band', createdBy: 'Created by' },
  command: { send: 'Send command', type: 'Command', state: 'State', requestedBy: 'Requested by', attempts: 'Attempts', detail: 'Detail', createdAt: 'Time', driverId: 'Driver id', connectorId: 'Connector', heartbeatIntervalS: 'Heartbeat interval (s)', qrContent: 'QR content', displayPriceFenPerKwh: 'Display price (fen/kWh)', sent: 'Sent', types: { start: 'Start charging', stop: 'Stop charging', reset: 'Reset', unlock: 'Unlock', configure: 'Configure' }, states: { sent: 'Sent', accepted: 'Accepted', rejected: 'Rejected', expired: 'Expired', failed: 'Failed' } },
  alarm: { kind: 'Kind', code: 'Code', message: 'Message', state: 'State', raisedAt: 'Raised', assignee: 'Assignee', occurrences: 'Occurrences', escalation: 'Escalation', history: 'History', acknowledge: 'Acknowledge', assign: 'Assign', note: 'Note', addNote: 'Add note', resolve: 'Resolve', staffId: 'Staff member', kinds: { offline: 'Offline', fault: 'Fault', meter: 'Meter', platform: 'Platform' }, states: { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' }, actions: { raised: 'Raised', notified: 'Notified', escalated: 'Escalated', acknowledged: 'Acknowledged', assigned: 'Assigned', note: 'Note', cleared: 'Cleared', resolved: 'Resolved' } },
  staff: { list: 'Staff accounts', create: 'New account', username: 'Username', role: 'Role', totp: 'Two-step', disabled: 'Disabled', disabledAt: 'Disabled at', state: 'State', active: 'Active', disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password', clearTotp: 'Also clear two-step verification', password: 'Initial password (shown once)', passwordHint: 'Hand it to its owner safely; it cannot be shown again.', phone: 'Phone' },
  audit: { at: 'Time', actor: 'Actor', action: 'Action', target: 'Target', reason: 'Reason', result: 'Result', more: 'Load more' },
  account: { title: 'My account', totp: 'Two-step verification (TOTP)', totpEnabled: 'Two-step verification is on', enrol: 'Set up', scan: 'Scan the QR code with an authenticator app, then enter its 6-digit code', confirmCode: 'Confirm', uri: 'Manual entry' },
  dashboard: { period: 'Period', granularity: 'Granularity', day: 'Daily', month: 'Monthly', station: 'Station', allStations: 'All stations (station id)', refresh: 'Show', energy: 'Energy', energyKwh: 'Energy (kWh)', revenue: 'Revenue', revenueYuan: 'Revenue (yuan)', electricityFen: 'Electricity', serviceFen: 'Service', idleFeeFen: 'Idle fee', sessions: 'Sessions', average: 'Average', vsPrevious: 'vs previous period', lastPeriodEnergy: 'Latest period energy', utilization: 'Utilization', utilizationByStation: 'Utilization per station', perPile: 'per pile', chargingHours: 'Charging (hours)', availableHours: 'Available (hours)', drivers: 'Drivers', newDrivers: 'New drivers', activeDrivers: 'Active drivers' },
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
