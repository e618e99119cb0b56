/**
 * Writes items in batches, the way a database's group commit does: while one batch is being written, the items
 * added meanwhile wait and go together in the next write. One item alone is written at once; under load, a
 * thousand statuses arriving together cost a handful of multi-row writes instead of a thousand commits. Each
 * `add` resolves when its own batch is written (or rejects with that batch's error), so a caller still knows its
 * item is durable before it moves on.
 */
export class GroupCommit<T> {
  private waiting: { item: T; settle: (error?: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {
    if (!(maxBatch >= 1)) throw new Error(`a batch must hold at least one item (got ${maxBatch})`);
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      let failure: unknown;
      try {
        await this.writeBatch(batch.map((w) => w.item));
      } catch (error) {
        failure = error ?? new Error('batch write failed');
      }
      for (const w of batch) w.settle(failure);
    }
    this.writing = false;
  }
}
