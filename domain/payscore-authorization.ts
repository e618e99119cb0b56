/**
 * Whether a driver has enabled WeChat Pay Score for our service (WeChat's service authorization, 免确认模式): only then
 * does WeChat Pay create an order without the driver's confirmation. `unknown`: never heard of it (never asked, or
 * the driver has not signed in with WeChat).
 */
export const PAYSCORE_AUTHORIZATION_STATES = ['available', 'unavailable'] as const;
export type PayscoreAuthorizationState = (typeof PAYSCORE_AUTHORIZATION_STATES)[number] | 'unknown';

/** A stored state older than this is asked again before it is answered. */
export const PAYSCORE_AUTHORIZATION_STALE_MS = 24 * 3600_000;

/**
 * What WeChat Pay's word means: the query's authorization_state (AVAILABLE, UNAVAILABLE, UNBINDUSER) or a
 * notification's user_service_status (USER_OPEN_SERVICE, USER_CLOSE_SERVICE); undefined for a word we do not know.
 */
export function payscoreAuthorizationOf(reported: string): 'available' | 'unavailable' | undefined {
  if (reported === 'AVAILABLE' || reported === 'USER_OPEN_SERVICE') return 'available';
  if (reported === 'UNAVAILABLE' || reported === 'UNBINDUSER' || reported === 'USER_CLOSE_SERVICE') return 'unavailable';
  return undefined;
}

/**
 * Whether a report made at `reportedAtMs` replaces the state recorded as of `recordedAtMs` (null: none yet): an older
 * one does not, so a late notification (opened, then closed, delivered the other way round) changes nothing. WeChat
 * Pay's times are to the second (and ours are taken to the second, see `reportSecond`): within one second the report
 * that arrives last wins.
 */
export function isNewerAuthorizationReport(recordedAtMs: number | null, reportedAtMs: number): boolean {
  return recordedAtMs === null || reportedAtMs >= recordedAtMs;
}

/** A moment as WeChat Pay would state it: to the second. */
export function reportSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Whether the state recorded as of `recordedAtMs` should be asked again at `nowMs`. */
export function isAuthorizationStale(state: PayscoreAuthorizationState, recordedAtMs: number | null, nowMs: number): boolean {
  return state === 'unknown' || recordedAtMs === null || nowMs - recordedAtMs > PAYSCORE_AUTHORIZATION_STALE_MS;
}

/**
 * When WeChat Pay says the driver opened or closed the service: `openorclose_time` is `yyyyMMddHHmmss` in China time
 * (+08:00), or RFC 3339; undefined when it is neither.
 */
export function openOrCloseTimeMs(text: string): number | undefined {
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  const iso = compact ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}+08:00` : text;
  if (!compact && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
