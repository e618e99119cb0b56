/**
 * Local calendar days of the operator (OPERATOR_TIME_ZONE, an IANA zone): which day an instant falls on, and the
 * UTC instants a local day starts and ends at (23 or 25 hours long on a daylight-saving change). Days are
 * `YYYY-MM-DD` strings, months `YYYY-MM`: they sort as text, the same way in every database.
 */
export type LocalDay = string;
export type LocalMonth = string;

export const DEFAULT_OPERATOR_TIME_ZONE = 'Asia/Shanghai';
export const LOCAL_DAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallClock(ms: number, timeZone: string) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), min: Number(parts.minute), s: Number(parts.second) };
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dayOfUtcDate = (d: Date): LocalDay => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const utcDateOf = (day: LocalDay) => {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
};

/** The local day an instant falls on. */
export function localDayOf(at: Date | number, timeZone: string): LocalDay {
  const w = wallClock(typeof at === 'number' ? at : at.getTime(), timeZone);
  return `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)}`;
}

/** The instant a local day starts (its local midnight, or the first instant after it when midnight is skipped). */
export function startOfLocalDay(day: LocalDay, timeZone: string): Date {
  const wall = utcDateOf(day);
  // Two corrections settle it: the offset at the guess, then the offset at the corrected guess.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return new Date(guess);
}

export function addDays(day: LocalDay, days: number): LocalDay {
  return dayOfUtcDate(new Date(utcDateOf(day) + days * DAY_MS));
}

/** Days from `from` to `to`, both included (0 when `to` is before `from`). */
export function dayCount(from: LocalDay, to: LocalDay): number {
  return Math.max(0, Math.round((utcDateOf(to) - utcDateOf(from)) / DAY_MS) + 1);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: LocalDay, to: LocalDay): LocalDay[] {
  const days: LocalDay[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

export interface LocalDayWindow {
  day: LocalDay;
  startsAt: Date;
  endsAt: Date;
}

/** Each day's UTC window: the calendar the rollups join the orders to. */
export function dayWindows(from: LocalDay, to: LocalDay, timeZone: string): LocalDayWindow[] {
  return daysBetween(from, to).map((day) => ({ day, startsAt: startOfLocalDay(day, timeZone), endsAt: startOfLocalDay(addDays(day, 1), timeZone) }));
}

export const monthOf = (day: LocalDay): LocalMonth => day.slice(0, 7);
export const firstDayOfMonth = (day: LocalDay): LocalDay => `${day.slice(0, 7)}-01`;
export function lastDayOfMonth(day: LocalDay): LocalDay {
  const [y, m] = day.split('-').map(Number);
  return dayOfUtcDate(new Date(Date.UTC(y, m, 0)));
}
export function addMonths(day: LocalDay, months: number): LocalDay {
  const [y, m] = day.split('-').map(Number);
  return dayOfUtcDate(new Date(Date.UTC(y, m - 1 + months, 1)));
}

export type Granularity = 'day' | 'month';

export interface Period {
  from: LocalDay;
  to: LocalDay;
}

/** A month report covers whole months: its first day's month through its last day's. */
export function normalizePeriod({ from, to }: Period, granularity: Granularity): Period {
  return granularity === 'month' ? { from: firstDayOfMonth(from), to: lastDayOfMonth(to) } : { from, to };
}

/** The period just before, as long: as many days before a day report, as many whole months before a month report. */
export function previousPeriod(period: Period, granularity: Granularity): Period {
  if (granularity === 'day') {
    const n = dayCount(period.from, period.to);
    return { from: addDays(period.from, -n), to: addDays(period.from, -1) };
  }
  const months = monthsBetween(period.from, period.to).length;
  const from = addMonths(period.from, -months);
  return { from, to: lastDayOfMonth(addMonths(period.to, -months)) };
}

/** Every month touched by the period, in order. */
export function monthsBetween(from: LocalDay, to: LocalDay): LocalMonth[] {
  const months: LocalMonth[] = [];
  for (let day = firstDayOfMonth(from); day <= to; day = addMonths(day, 1)) months.push(monthOf(day));
  return months;
}

/** The labels of a report's rows, every one of them, so a period with nothing in it still shows (as zeros). */
export function periodLabels(period: Period, granularity: Granularity): string[] {
  return granularity === 'day' ? daysBetween(period.from, period.to) : monthsBetween(period.from, period.to);
}
