import { GroupCommit } from './group-commit';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

describe('GroupCommit', () => {
  it('writes a lone item at once', async () => {
    const batches: number[][] = [];
    const writer = new GroupCommit<number>(async (items) => void batches.push(items));
    await writer.add(1);
    expect(batches).toEqual([[1]]);
  });

  it('gathers the items added while a write is in flight into the next write', async () => {
    const batches: number[][] = [];
    const first = deferred();
    const writer = new GroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await first.promise;
    });
    const added = [1, 2, 3, 4].map((n) => writer.add(n));
    first.resolve();
    await Promise.all(added);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits a backlog into batches of at most maxBatch items, in the order they were added', async () => {
    const batches: number[][] = [];
    const first = deferred();
    const writer = new GroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await first.promise;
    }, 3);
    const added = Array.from({ length: 8 }, (_, n) => writer.add(n));
    first.resolve();
    await Promise.all(added);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
  });

  it('rejects every item of a failed batch with its error and writes the next batch as usual', async () => {
    const first = deferred();
    let calls = 0;
    const writer = new GroupCommit<string>(async () => {
      calls += 1;
      if (calls === 1) await first.promise;
      if (calls === 2) throw new Error('deadlock found');
    });
    const lone = writer.add('a');
    const failed = [writer.add('b'), writer.add('c')];
    first.resolve();
    await lone;
    const outcomes = await Promise.allSettled(failed);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'written'))).toEqual(['deadlock found', 'deadlock found']);
    await expect(writer.add('d')).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });
});
