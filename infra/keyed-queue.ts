/**
 * Runs tasks one after another per key and concurrently across keys: the messages of one pile, the signals to
 * one session. A failed task does not stop the ones queued behind it.
 */
export class KeyedQueue {
  /** Per key, the last task's settling: it never rejects, so the next task chains on it without a catch of its own. */
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(ignore, ignore);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves once everything queued so far has finished, successfully or not. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.tails.values());
  }
}

function ignore(): void {}
