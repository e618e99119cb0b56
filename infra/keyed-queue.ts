/**
 * Runs tasks one after another per key and concurrently across keys: the messages of one pile, the signals to
 * one session. A failed task does not stop the ones queued behind it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(task);
    this.tails.set(key, result);
    void result
      .catch(() => undefined)
      .finally(() => {
        if (this.tails.get(key) === result) this.tails.delete(key);
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
