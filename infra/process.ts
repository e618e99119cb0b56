import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from './config';
import type { Logger } from './logger';

export type Stop = () => Promise<void>;

/** The path the shell would run for `name`, or undefined when it is not on PATH. */
export function commandOnPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Codes of errors that belong to one network connection: a reset, a broken pipe, a bad WebSocket frame. */
const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('WS_ERR_'));
}

/**
 * Runs a process's start function: a configuration error is printed plainly (exit 1), SIGINT/SIGTERM stop
 * everything that was started (exit 0), and a second signal exits at once. An 'error' of one connection that nothing
 * listened to is logged and dropped instead of taking every part of the process down; anything else still exits.
 */
export function runMain(name: string, start: () => Promise<{ stop: Stop; logger?: Logger }>): void {
  let stopping = false;
  let log: Logger | undefined;
  process.on('uncaughtException', (error) => {
    if (isConnectionError(error)) {
      if (log) log.warn({ err: error }, 'connection error nobody listened to; dropped');
      else console.error(`${name}: connection error nobody listened to; dropped:`, error);
      return;
    }
    console.error(`${name}: uncaught exception`, error);
    process.exit(1);
  });
  start()
    .then(({ stop, logger }) => {
      log = logger;
      const shutdown = (signal: string) => {
        if (stopping) process.exit(1);
        stopping = true;
        logger?.info({ signal }, `${name} stopping`);
        stop()
          .then(() => process.exit(0))
          .catch((error) => {
            console.error(`${name}: error while stopping`, error);
            process.exit(1);
          });
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    })
    .catch((error) => {
      if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
      else console.error(`${name} failed to start:`, error);
      process.exit(1);
    });
}

/** Serves Prometheus metrics for processes without an HTTP API of their own (worker, gateway). */
export async function serveMetrics(registry: Registry, port: number): Promise<Stop> {
  const server = http.createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`METRICS_PORT ${port} is already in use; set METRICS_PORT to a free port`) : error),
    );
    server.listen(port, resolve);
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
