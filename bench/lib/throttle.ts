import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How a process was held to its share: a CFS quota in a cgroup of its own, or stop/continue signals. */
export type ThrottleMethod = 'cgroup-cpu-quota' | 'stop-continue';

export interface Throttle {
  method: ThrottleMethod;
  /** Lets the process run freely again. */
  release(): void;
}

const CGROUP_V1_CPU = '/sys/fs/cgroup/cpu';
/** A short CFS period: the process waits at most this long for its next turn, instead of the signals' 100 ms. */
const CFS_PERIOD_US = 10_000;

/**
 * Holds a process to `share` of one core (0 < share < 1). Where the machine lets us make a cgroup (v1 `cpu`
 * controller, as here), the kernel's CFS quota does it: the process keeps every thread and reads between its
 * turns like a CPU-bound process on a slower core. Otherwise it is stopped and continued every `periodMs`, as
 * `cpulimit` does, which also stalls every await on I/O until the next turn (a harsher limit: say which was used).
 */
export function throttleProcess(pid: number, share: number, periodMs = 100): Throttle {
  if (!(share > 0 && share < 1)) throw new Error(`a throttle's share must be between 0 and 1 (got ${share})`);
  return quotaInCgroup(pid, share) ?? stopAndContinue(pid, share, periodMs);
}

function quotaInCgroup(pid: number, share: number): Throttle | undefined {
  if (!existsSync(join(CGROUP_V1_CPU, 'cgroup.procs'))) return undefined;
  const group = join(CGROUP_V1_CPU, `evcp-bench-${process.pid}-${pid}`);
  try {
    mkdirSync(group);
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(share * CFS_PERIOD_US))));
    writeFileSync(join(group, 'cgroup.procs'), String(pid));
  } catch {
    removeGroup(group);
    return undefined;
  }
  return {
    method: 'cgroup-cpu-quota',
    release() {
      try {
        writeFileSync(join(CGROUP_V1_CPU, 'cgroup.procs'), String(pid));
      } catch {
        // the process has exited: nothing to move back
      }
      removeGroup(group);
    },
  };
}

function removeGroup(group: string): void {
  try {
    rmdirSync(group);
  } catch {
    // not made, or the process could not be moved out: an empty or stale group costs nothing
  }
}

function stopAndContinue(pid: number, share: number, periodMs: number): Throttle {
  let timer: NodeJS.Timeout | undefined;
  let released = false;
  const signal = (name: NodeJS.Signals) => {
    if (!released) process.kill(pid, name);
  };
  const run = () => {
    signal('SIGCONT');
    timer = setTimeout(pause, share * periodMs);
  };
  const pause = () => {
    signal('SIGSTOP');
    timer = setTimeout(run, (1 - share) * periodMs);
  };
  timer = setTimeout(pause, share * periodMs);
  return {
    method: 'stop-continue',
    release() {
      clearTimeout(timer);
      released = true;
      process.kill(pid, 'SIGCONT');
    },
  };
}
