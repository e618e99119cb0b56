import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Field names whose values never reach a log line: credentials, tokens, keys, and the personal data the
 * platform holds (phone numbers, WeChat openids). Matched at the top level and one or two levels down, the
 * depths at which the code logs objects (`{ user: { phone } }`, `{ req: { headers: { authorization } } }`).
 */
export const REDACTED_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'authorization',
  'cookie',
  'apiKey',
  'privateKey',
  'sessionKey',
  'session_key',
  'jwt',
  'phone',
  'phoneNumber',
  'mobile',
  'openid',
  'openId',
  'unionid',
  'unionId',
  'wechatOpenId',
] as const;

export const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** What ties a log line to one story: the request, the session, the pile, the workflow it happened for. */
export interface LogContext {
  requestId?: string;
  sessionId?: string;
  pileId?: string;
  /** An OCPP charger (its chargePointId), whose connectors are piles. */
  chargerId?: string;
  workflowId?: string;
}

const logContext = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with these fields on every log line written inside it, however deep (added to the outer ones).
 * Once used, every promise of the process pays AsyncLocalStorage's hooks: the device gateway's message path, at
 * thousands of messages a second, passes a logger along instead (device-gateway/context.ts, messageContext).
 */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return logContext.run({ ...logContext.getStore(), ...fields }, work);
}

/** The fields every line gets: the log context's, and the active span's trace and span ids (when tracing is on). */
function contextFields(): Record<string, string> {
  const fields: Record<string, string> = { ...logContext.getStore() };
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) Object.assign(fields, { trace_id: span.traceId, span_id: span.spanId });
  return fields;
}

/** One JSON logger per process; each part takes a child with its own `component`. */
export function createLogger(options: { level: string; name: string }, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: contextFields,
    },
    destination,
  );
}
