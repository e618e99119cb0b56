import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import { basename, join } from 'node:path';

const running = new Set<ChildProcess>();

/** Kills every child still running (the benchmark was interrupted): none may outlive it. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface Child {
  process: ChildProcess;
  pid: number;
  /** The last lines the child wrote, for error messages. */
  tail(): string;
  /** Resolves with the first line (stdout or stderr) that `matches`; rejects if the child exits first. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts a child with its output kept (last lines) rather than inherited. With `raiseFileLimit` its soft limit
 * of open files is raised to the hard one (`ulimit -n`), so a fleet of 10,000 piles or a broker serving them
 * does not run out of sockets; the hard limit (20,000 on the benchmark machine) caps the fleet's size.
 */
export function startChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; raiseFileLimit?: boolean; ipc?: boolean } = {}): Child {
  const [file, argv] = options.raiseFileLimit ? ['sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', command, ...args]] : [command, args];
  const child = spawn(file, argv, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])] });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let partial = '';
  const take = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      for (const watch of watchers) watch(line);
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  // BENCH_CHILD_LOG_DIR keeps each child's whole output for a post-mortem (a hung or failing run).
  const logDir = process.env.BENCH_CHILD_LOG_DIR;
  if (logDir) {
    const file = createWriteStream(join(logDir, `${basename(args.find((a) => a.endsWith('.js')) ?? command)}.${child.pid}.log`));
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
    child.once('close', () => file.end());
  }
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  const tail = () => lines.join('\n');
  return {
    process: child,
    pid: child.pid!,
    tail,
    exited,
    waitForLine(matches, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${command} not ready within ${timeoutMs} ms:\n${tail()}`)), timeoutMs);
        const watch = (line: string) => matches(line) && finish(undefined, line);
        const finish = (error?: Error, line?: string) => {
          clearTimeout(timer);
          watchers.delete(watch);
          if (error) reject(error);
          else resolve(line!);
        };
        watchers.add(watch);
        void exited.then((code) => finish(new Error(`${command} exited (${code}) before it was ready:\n${tail()}`)));
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms${child ? `:\n${child.tail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
