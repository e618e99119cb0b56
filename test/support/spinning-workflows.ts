import { condition, defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';

/** Test workflows that keep the CPU busy inside the workflow sandbox, for worker/deadlock-timeout.test.ts. */

export const finishSignal = defineSignal('finish');
export const spinSignal = defineSignal<[number]>('spin');

/** Busy work the optimiser cannot drop: its result is returned. */
function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) | 0;
  return x;
}

/** Spins only while its first step is replayed (the step ran at once the first time), then waits to be finished. */
export async function spinsWhileReplaying(iterations: number): Promise<number> {
  let finished = false;
  setHandler(finishSignal, () => void (finished = true));
  const result = workflowInfo().unsafe.isReplaying ? spin(iterations) : 0;
  await condition(() => finished);
  return result;
}

/** Spins when asked to, as new work (not a replay). */
export async function spinsWhenSignalled(): Promise<number> {
  let result: number | undefined;
  setHandler(spinSignal, (iterations) => void (result = spin(iterations)));
  await condition(() => result !== undefined);
  return result!;
}
