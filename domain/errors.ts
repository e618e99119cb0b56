/**
 * Errors the platform reports to its callers. Each has a stable `code`; the API maps codes to HTTP
 * statuses in one place (api/errors.ts), and workflows raise the same codes as ApplicationFailure types.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  /** A frozen driver account: no new session, reservation or top-up (a running session finishes; withdrawals stay open). */
  'ACCOUNT_FROZEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PILE_BUSY',
  'PILE_UNAVAILABLE',
  'INSUFFICIENT_BALANCE',
  /** WeChat Pay Score refused to create the session's order (402, like a balance too low). */
  'PAYMENT_DECLINED',
  /** Pay-as-you-go asked by a driver who has not enabled WeChat Pay Score for our service (402; they enable it first). */
  'PAYSCORE_NOT_ENABLED',
  'SESSION_STATE_CONFLICT',
  'CONFLICT',
  'RATE_LIMITED',
  'UPSTREAM_FAILED',
  /** A journal entry that does not balance or names no known account: a bug, never the caller's fault (500). */
  'LEDGER_UNBALANCED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { field?: string; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
