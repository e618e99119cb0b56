import fc from 'fast-check';
import { FairKeyedQueue } from './fair-keyed-queue';

/** A task the test finishes by hand, so the order of events is the test's, not the clock's. */
function manualWork() {
  const started: string[] = [];
  const finishers = new Map<string, (fail?: boolean) => void>();
  const work = (item: string) =>
    new Promise<void>((resolve, reject) => {
      started.push(item);
      finishers.set(item, (fail) => (fail ? reject(new Error(`${item} failed`)) : resolve()));
    });
  const finish = async (item: string, fail = false) => {
    finishers.get(item)!(fail);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, work, finish };
}

it('runs one key’s items one after another, in the order they were pushed', async () => {
  const { started, work, finish } = manualWork();
  const queue = new FairKeyedQueue(10, work);
  queue.push('pile-1', 'a');
  queue.push('pile-1', 'b');
  expect(started).toEqual(['a']);
  await finish('a');
  expect(started).toEqual(['a', 'b']);
});

it('never runs more than its concurrency at once, across keys', async () => {
  const { started, work, finish } = manualWork();
  const queue = new FairKeyedQueue(2, work);
  for (const key of ['p1', 'p2', 'p3']) queue.push(key, key);
  expect(started).toEqual(['p1', 'p2']);
  expect([queue.running, queue.waiting]).toEqual([2, 1]);
  await finish('p1');
  expect(started).toEqual(['p1', 'p2', 'p3']);
});

it('serves keys in turn: a key with more waiting goes behind the keys already waiting', async () => {
  const { started, work, finish } = manualWork();
  const queue = new FairKeyedQueue(1, work);
  queue.push('busy', 'busy-1');
  queue.push('busy', 'busy-2');
  queue.push('quiet', 'quiet-1');
  await finish('busy-1');
  expect(started).toEqual(['busy-1', 'quiet-1']);
  await finish('quiet-1');
  expect(started).toEqual(['busy-1', 'quiet-1', 'busy-2']);
});

it('lets the caller change the item waiting last for a key, not one already running', async () => {
  const { started, work, finish } = manualWork();
  const queue = new FairKeyedQueue<{ name: string }>(1, (item) => work(item.name));
  queue.push('pile', { name: 'first' });
  expect(queue.waitingTail('pile')).toBeUndefined();
  queue.push('pile', { name: 'second' });
  queue.waitingTail('pile')!.name = 'newest';
  await finish('first');
  expect(started).toEqual(['first', 'newest']);
});

it('goes on with a key’s next item after one fails or throws before returning a promise', async () => {
  const { started, work, finish } = manualWork();
  const queue = new FairKeyedQueue(1, (item: string) => {
    if (item === 'throws') throw new Error('synchronous');
    return work(item);
  });
  queue.push('pile', 'a');
  queue.push('pile', 'throws');
  queue.push('pile', 'c');
  await finish('a', true);
  expect(started).toEqual(['a', 'c']);
  await finish('c');
  await queue.drain();
  expect([queue.running, queue.waiting]).toEqual([0, 0]);
});

it('drains once everything pushed, including what was pushed while draining, has finished', async () => {
  const { work, finish } = manualWork();
  const queue = new FairKeyedQueue(5, work);
  queue.push('p1', 'a');
  let drained = false;
  const draining = queue.drain().then(() => (drained = true));
  queue.push('p1', 'b');
  await finish('a');
  expect(drained).toBe(false);
  await finish('b');
  await draining;
  expect(drained).toBe(true);
});

it('refuses a concurrency that would run nothing', () => {
  expect(() => new FairKeyedQueue(0, async () => undefined)).toThrow(/positive integer/);
});

it('keeps every key’s order and the bound for any interleaving of pushes and finishes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.boolean()), { minLength: 1, maxLength: 40 }),
      async (concurrency, steps) => {
        const running = new Map<string, () => void>();
        const order: string[] = [];
        let maxRunning = 0;
        const queue = new FairKeyedQueue<string>(concurrency, (item) => {
          order.push(item);
          maxRunning = Math.max(maxRunning, running.size + 1);
          return new Promise<void>((resolve) => running.set(item, resolve));
        });
        let n = 0;
        for (const [key, finishOne] of steps) {
          queue.push(key, `${key}${n++}`);
          if (finishOne && running.size) {
            const [item, resolve] = running.entries().next().value!;
            running.delete(item);
            resolve();
            await new Promise((r) => setImmediate(r));
          }
        }
        while (running.size) {
          const [item, resolve] = running.entries().next().value!;
          running.delete(item);
          resolve();
          await new Promise((r) => setImmediate(r));
        }
        await queue.drain();
        const pushed = steps.map(([key], i) => `${key}${i}`);
        for (const key of ['a', 'b', 'c', 'd']) {
          expect(order.filter((item) => item.startsWith(key))).toEqual(pushed.filter((item) => item.startsWith(key)));
        }
        expect(order).toHaveLength(pushed.length);
        expect(maxRunning).toBeLessThanOrEqual(concurrency);
      },
    ),
  );
});
