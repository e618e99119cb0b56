import type { Fen } from './money';

/** What the driver's bill message says. */
export interface BillNotice {
  sessionId: string;
  stationName: string;
  energyWh: number;
  totalFen: Fen;
  /** Epoch ms. */
  settledAtMs: number;
  /** The station's zone, as its tariff gives it. */
  utcOffsetMinutes: number;
}

/** Which keyword of the subscribe-message template carries which part of the bill (set in WeChat's admin console). */
export interface BillTemplateFields {
  amount: string;
  energy: string;
  station: string;
  time: string;
}

export const DEFAULT_BILL_TEMPLATE_FIELDS: BillTemplateFields = { amount: 'amount1', energy: 'character_string2', station: 'thing3', time: 'time4' };

const pad = (n: number) => String(n).padStart(2, '0');

/** The template data of a settled session: ¥ with fen exact, kWh to the Wh, local time to the minute. */
export function billNoticeData(notice: BillNotice, fields: BillTemplateFields): Record<string, string> {
  const local = new Date(notice.settledAtMs + notice.utcOffsetMinutes * 60_000);
  const yuan = `${Math.floor(notice.totalFen / 100)}.${pad(notice.totalFen % 100)}`;
  const kwh = `${Math.floor(notice.energyWh / 1000)}.${String(notice.energyWh % 1000).padStart(3, '0')}`;
  return {
    [fields.amount]: `${yuan}元`,
    [fields.energy]: `${kwh}kWh`,
    [fields.station]: notice.stationName,
    [fields.time]: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
  };
}

/** The mini-program page the message opens: the order of that session. */
export const billNoticePage = (sessionId: string) => `pages/order/detail/index?id=${encodeURIComponent(sessionId)}`;
