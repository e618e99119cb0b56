import http from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from './config';
import type { Logger } from './logger';

export type Stop = () => Promise<void>;

/**
 * Runs a process's start function: a configuration error is printed plainly (exit 1), SIGINT/SIGTERM stop
 * everything that was started (exit 0), and a second signal exits at once.
 */
export function runMain(name: string, start: () => Promise<{ stop: Stop; logger?: Logger }>): void {
  let stopping = false;
  start()
    .then(({ stop, logger }) => {
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
