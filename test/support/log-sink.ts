import { Writable } from 'node:stream';

/** A destination for a pino logger that keeps its lines in memory: `entries` parsed, `raw` as written. */
export function logSink() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { sink, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), raw: () => lines.join('\n') };
}
