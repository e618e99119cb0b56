import { KeyedQueue } from './keyed-queue';
import { retryTransient } from './retry';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('KeyedQueue', () => {
  it('runs the tasks of one key in the order they were queued, one at a time', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const first = deferred();
    const a = queue.run('pile-1', async () => {
      await first.promise;
      order.push('first');
    });
    const b = queue.run('pile-1', async () => order.push('second'));
    await Promise.resolve();
    expect(order).toEqual([]);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['first', 'second']);
  });

  it('lets another key run while one key waits', async () => {
    const queue = new KeyedQueue();
    const blocked = deferred();
    const slow = queue.run('pile-1', () => blocked.promise);
    await expect(queue.run('pile-2', async () => 'done')).resolves.toBe('done');
    blocked.resolve();
    await slow;
  });

  it('keeps going after a failed task and forgets a key once its work is done', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('pile-1', async () => {
      throw new Error('broken message');
    });
    const next = queue.run('pile-1', async () => 'handled');
    await expect(failed).rejects.toThrow('broken message');
    await expect(next).resolves.toBe('handled');
    await queue.drain();
    expect(queue.size).toBe(0);
  });
});

describe('retryTransient', () => {
  it('tries again after a transient failure and returns the later success', async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('busy');
        return 'ok';
      },
      { delaysMs: [1, 1, 1] },
    );
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('throws a permanent failure at once', async () => {
    let calls = 0;
    const permanent = retryTransient(
      async () => {
        calls += 1;
        throw new Error('constraint violated');
      },
      { delaysMs: [1, 1], isTransient: (error) => (error as Error).message === 'busy' },
    );
    await expect(permanent).rejects.toThrow('constraint violated');
    expect(calls).toBe(1);
  });

  it('throws the last failure when the delays run out', async () => {
    await expect(retryTransient(async () => Promise.reject(new Error('still busy')), { delaysMs: [1, 1] })).rejects.toThrow('still busy');
  });
});
