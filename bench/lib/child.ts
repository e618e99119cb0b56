import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';
import { basename, join } from 'node:path';
import { listeningPid } from '../../system/process-ownership';

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

/**
 * A port nothing listens on now, picked below the kernel's ephemeral range: a port that `listen(0)` hands out lies
 * inside it, where any process's outgoing connection may take it before the server we start binds it (seen on
 * this shared machine while other benchmarks and test suites ran). Below the range only another explicit bind
 * can take it; `startOnFreePorts` covers that rarer race.
 */
export async function freePort(): Promise<number> {
  const [low, high] = PICKABLE_PORTS;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    handedOut.add(port); // before the check: two calls side by side must not both take it
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${low} and ${high} in 100 tries`);
}

/**
 * Ports this process has handed out, never handed out again: the bench smoke starts its scenarios side by side, and
 * two of them could pick the same free port before either bound it (CI once failed so: "PORT … is already in use").
 */
const handedOut = new Set<number>();

const PICKABLE_PORTS = ((): [number, number] => {
  const ephemeralStart = Number(readFileSyncOrEmpty('/proc/sys/net/ipv4/ip_local_port_range').split(/\s+/)[0]) || 32_768;
  // Above the usual service ports (MQTT 1883, MariaDB 3306, Redis 6379, the quick start's 7233/8233/11883/19000).
  return [20_000, Math.max(ephemeralStart, 20_001)];
})();

function readFileSyncOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The child said it could not bind: the port was free when picked and taken before the child listened. */
export class PortTakenError extends Error {}

const PORT_TAKEN = /address already in use|EADDRINUSE/i;

/**
 * Resolves once something listens on `port`, and when `child` is given, once it is `child` (a port taken by
 * another server is open too). Rejects at once when `child` exits first, with a PortTakenError when it says why.
 */
export async function waitForPort(port: number, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) {
      const owner = child && listeningPid(port);
      if (owner === undefined || owner === child?.pid) return;
    }
    if (child && PORT_TAKEN.test(child.tail())) throw new PortTakenError(`a port of ${port}'s server was taken before it bound:\n${child.tail()}`);
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) throw new Error(`the server for port ${port} exited before it listened:\n${child.tail()}`);
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms${child ? `:\n${child.tail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether something accepts a connection on 127.0.0.1:`port` now. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs `start` (which picks its ports with freePort and waits with waitForPort) again when a port was taken in
 * between; `start` must stop what it started before it throws.
 */
export async function startOnFreePorts<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === attempts) throw error;
    }
  }
}
