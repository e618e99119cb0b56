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

/** One JSON logger per process; each part takes a child with its own `component`. */
export function createLogger(options: { level: string; name: string }, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
