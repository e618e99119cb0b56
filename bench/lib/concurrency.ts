export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `work` on every item with at most `limit` in flight; results in input order; the first error rejects. */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs `work` on every item at about `perSecond` items a second, so a fleet-wide change does not arrive as one burst. */
export async function paced<T>(items: T[], perSecond: number, work: (item: T) => Promise<void>): Promise<void> {
  const batch = Math.max(1, Math.round(perSecond / 10));
  for (let i = 0; i < items.length; i += batch) {
    const started = Date.now();
    await Promise.all(items.slice(i, i + batch).map(work));
    await sleep(Math.max(0, 100 - (Date.now() - started)));
  }
}

/** Starts `work` on item i at `i / perSecond` seconds, whether or not earlier items finished (a steady arrival rate). */
export function atSteadyRate<T, R>(items: T[], perSecond: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const started = Date.now();
  return Promise.all(
    items.map(async (item, index) => {
      await sleep(started + (index * 1000) / perSecond - Date.now());
      return work(item, index);
    }),
  );
}

/** How requests arrive: `concurrency` in flight at a time (as fast as the system goes), or `perSecond` whatever the system does. */
export type Pace = { concurrency: number } | { perSecond: number };

export function mapPaced<T, R>(items: T[], pace: Pace, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return 'perSecond' in pace ? atSteadyRate(items, pace.perSecond, work) : mapLimited(items, pace.concurrency, work);
}
