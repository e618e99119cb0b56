import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A /proc file of a process, or undefined once the process has gone (a killed worker, a crashed child). */
function procFile(pid: number, name: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN once it has gone. */
function cpuSeconds(pid: number): number {
  const stat = procFile(pid, 'stat');
  if (!stat) return NaN;
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(procFile(pid, 'status') ?? '');
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

export interface ProcessUsage {
  /** Share of one core over the window: 100 = one core busy all the time. */
  cpuPercent: number;
  /** CPU time used over the window, user + system. */
  cpuSeconds: number;
  rssMaxMiB: number;
  rssEndMiB: number;
}

/** Samples CPU and resident memory of named processes over a window (RSS once a second). */
export class UsageMeter {
  private readonly started = new Map<string, { cpu: number; rssMax: number }>();
  private startedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number>) {}

  start(): this {
    this.startedAt = Date.now();
    for (const [name, pid] of Object.entries(this.pids)) this.started.set(name, { cpu: cpuSeconds(pid), rssMax: rssMiB(pid) });
    this.timer = setInterval(() => this.sampleRss(), 1000);
    return this;
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sampleRss();
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const begin = this.started.get(name)!;
      const used = cpuSeconds(pid) - begin.cpu;
      usage[name] = { cpuPercent: Math.round((used / elapsed) * 100), cpuSeconds: used, rssMaxMiB: begin.rssMax, rssEndMiB: rssMiB(pid) };
    }
    return usage;
  }

  private sampleRss(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const entry = this.started.get(name)!;
      entry.rssMax = Math.max(entry.rssMax, rssMiB(pid) || 0);
    }
  }
}

export const formatUsage = (usage: Record<string, ProcessUsage>) =>
  Object.entries(usage)
    .map(([name, u]) => `${name} ${u.cpuPercent}% CPU, RSS max ${u.rssMaxMiB} MiB`)
    .join('; ');
