/**
 * The acknowledgements of one connection's QoS 1 messages, sent in the order the messages arrived whatever order
 * they are settled in: each waits for every earlier one.
 */
export class InOrderAcks<Id = number> {
  private readonly waiting: { id: Id; settled: boolean }[] = [];

  constructor(private readonly send: (id: Id) => void) {}

  /** Registers an arriving message; returns the idempotent function that settles it. */
  expect(id: Id): () => void {
    const entry = { id, settled: false };
    this.waiting.push(entry);
    return () => {
      if (entry.settled) return;
      entry.settled = true;
      while (this.waiting[0]?.settled) this.send(this.waiting.shift()!.id);
    };
  }
}
