/**
 * Runs items one after another per key, at most `concurrency` at once across keys, and serves the keys in turn:
 * a key whose item finishes goes to the back of the line if it has more. Unlike an unbounded per-key chain, an
 * item waits in its key's backlog (where the caller may still replace it) instead of competing for the event loop
 * with every other key's work, so under overload each item's own handling stays short.
 */
export class FairKeyedQueue<T> {
  private readonly backlogs = new Map<string, { waiting: T[]; running: boolean }>();
  /** Keys with an item waiting and none running, in the order they became ready (a Set keeps insertion order). */
  private readonly ready = new Set<string>();
  private active = 0;
  private queued = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    /** Handles one item; its failure is the caller's to report, it never stops the key's later items. */
    private readonly work: (item: T) => Promise<unknown>,
    /** Called with each item once it has finished, successfully or not. */
    private readonly settled: (item: T) => void = () => undefined,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }

  /** The item of `key` queued last, if it has not started yet: the caller may change it in place. */
  waitingTail(key: string): T | undefined {
    return this.backlogs.get(key)?.waiting.at(-1);
  }

  push(key: string, item: T): void {
    let backlog = this.backlogs.get(key);
    if (!backlog) this.backlogs.set(key, (backlog = { waiting: [], running: false }));
    backlog.waiting.push(item);
    this.queued++;
    if (!backlog.running) this.ready.add(key);
    this.pump();
  }

  /** Items running now. */
  get running(): number {
    return this.active;
  }

  /** Items queued and not started. */
  get waiting(): number {
    return this.queued;
  }

  /** Resolves once everything pushed so far (and anything pushed meanwhile) has finished. */
  drain(): Promise<void> {
    if (!this.active && !this.queued) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.ready.size) {
      const key: string = this.ready.values().next().value!;
      this.ready.delete(key);
      const backlog = this.backlogs.get(key)!;
      const item = backlog.waiting.shift()!;
      this.queued--;
      backlog.running = true;
      this.active++;
      const finished = () => this.finish(key, backlog, item);
      let handled: Promise<unknown>;
      try {
        handled = this.work(item);
      } catch (error) {
        handled = Promise.reject(error);
      }
      handled.then(finished, finished);
    }
  }

  private finish(key: string, backlog: { waiting: T[]; running: boolean }, item: T): void {
    this.active--;
    backlog.running = false;
    if (backlog.waiting.length) this.ready.add(key);
    else this.backlogs.delete(key);
    this.pump();
    this.settled(item);
    if (!this.active && !this.queued) for (const resolve of this.idle.splice(0)) resolve();
  }
}
