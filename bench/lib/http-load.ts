import http from 'node:http';
import { type Distribution, distribution } from './stats';

export interface LoadResult {
  requestsPerSecond: number;
  latency: Distribution;
  errors: number;
  bytesPerResponse: number;
}

/**
 * A closed-loop HTTP load in the manner of autocannon: `connections` keep-alive connections, each sending its
 * next request when the previous answer has arrived, for `seconds` after a warm-up. Latencies in ms (0.1 ms).
 */
export async function closedLoopLoad(url: string, options: { connections: number; seconds: number; warmupSeconds: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let measuring = false;
  const end = Date.now() + (options.warmupSeconds + options.seconds) * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = process.hrtime.bigint();
      const request = http.get(url, { agent }, (response) => {
        let size = 0;
        response.on('data', (chunk: Buffer) => (size += chunk.length));
        response.on('end', () => {
          if (measuring) {
            if (response.statusCode === 200) latencies.push(Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10);
            else errors++;
            bytes = size;
          }
          resolve();
        });
      });
      request.on('error', () => {
        if (measuring) errors++;
        resolve();
      });
    });
  const lane = async () => {
    while (Date.now() < end) await once();
  };
  const warmup = setTimeout(() => (measuring = true), options.warmupSeconds * 1000);
  await Promise.all(Array.from({ length: options.connections }, lane));
  clearTimeout(warmup);
  agent.destroy();
  return { requestsPerSecond: Math.floor(latencies.length / options.seconds), latency: distribution(latencies), errors, bytesPerResponse: bytes };
}
