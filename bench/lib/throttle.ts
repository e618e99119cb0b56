/**
 * Lets a process run only `share` of the time (0 < share < 1), by stopping and continuing it every `periodMs`, as
 * `cpulimit` does: the same process on a slower machine, without touching its code. Returns the function that
 * lets it run freely again.
 */
export function throttleProcess(pid: number, share: number, periodMs = 100): () => void {
  if (!(share > 0 && share < 1)) throw new Error(`a throttle's share must be between 0 and 1 (got ${share})`);
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
  return () => {
    clearTimeout(timer);
    released = true;
    process.kill(pid, 'SIGCONT');
  };
}
