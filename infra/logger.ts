import pino, { Logger } from 'pino';

export type { Logger };

/** One JSON logger per process; each part takes a child with its own `component`. */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({ name: options.name, level: options.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
