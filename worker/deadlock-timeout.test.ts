import { randomUUID } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { SandboxWorkers } from '../test/support/sandbox-workers';
import { finishSignal, spinSignal, spinsWhenSignalled, spinsWhileReplaying } from '../test/support/spinning-workflows';
import { createLocalEnv } from '../test/support/temporal';

/**
 * The SDK stops workflow code that keeps its thread longer than the deadlock timeout (5 s; 100 ms in these
 * workers), failing the workflow task instead of hanging every workflow of the worker. Its watchdog costs a thread
 * per call into the sandbox; with WORKER_DEADLOCK_TIMEOUT_ON_REPLAY=off (the worker's default, patched SDK in
 * patches/) a replay of history goes without it, while new work keeps it. The workers here keep no workflow cache,
 * so every task replays the history before it.
 */
let env: TestWorkflowEnvironment;
let workers: SandboxWorkers;

/** About 1 s of CPU on a quick machine: well past the workers' 100 ms timeout, within a workflow task's 10 s on a slow one. */
const ITERATIONS = 200_000_000;

beforeAll(async () => {
  env = await createLocalEnv();
  workers = new SandboxWorkers(env.address);
}, 120_000);

afterAll(async () => {
  workers?.stopAll();
  await env?.teardown();
});

async function withWorker<T>(deadlockTimeoutOnReplay: 'on' | 'off', run: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `deadlock-timeout-${deadlockTimeoutOnReplay}-${randomUUID()}`;
  const worker = await workers.start(taskQueue, { stackTraces: 'off', deadlockTimeoutOnReplay }, 'spinning');
  try {
    return await run(taskQueue);
  } finally {
    await workers.stop(worker);
  }
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** The first event of the workflow's history that `matches`, waited for up to `withinMs`; undefined when none came. */
async function firstEvent(handle: WorkflowHandle, matches: (e: HistoryEvent) => boolean, withinMs: number): Promise<HistoryEvent | undefined> {
  const until = Date.now() + withinMs;
  do {
    const found = (await handle.fetchHistory()).events?.find(matches);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < until);
  return undefined;
}

/** Why the workflow's first failed workflow task failed, waited for up to `withinMs`; undefined when none failed. */
async function firstTaskFailure(handle: WorkflowHandle, withinMs: number): Promise<string | undefined> {
  const failed = await firstEvent(handle, (e) => !!e.workflowTaskFailedEventAttributes, withinMs);
  return failed && (failed.workflowTaskFailedEventAttributes!.failure?.message ?? '');
}

/** Starts a workflow that spins while its first step is replayed, and makes the worker replay it with a signal. */
async function replayASpinningStep(taskQueue: string) {
  const handle = await env.client.workflow.start(spinsWhileReplaying, { taskQueue, workflowId: randomUUID(), args: [ITERATIONS] });
  // Its first task done, the step ran once, without spinning (a query would replay it, so the history tells).
  if (!(await firstEvent(handle, (e) => !!e.workflowTaskCompletedEventAttributes, 30_000))) throw new Error('the first workflow task never completed');
  await handle.signal(finishSignal);
  return handle;
}

describe('the deadlock timeout', () => {
  it('lets a replay of history run past it when WORKER_DEADLOCK_TIMEOUT_ON_REPLAY=off (the default)', async () => {
    await withWorker('off', async (taskQueue) => {
      const handle = await replayASpinningStep(taskQueue);

      await expect(handle.result()).resolves.toEqual(expect.any(Number));
      expect(await firstTaskFailure(handle, 0)).toBeUndefined();
    });
  });

  it('fails the workflow task of a replay that runs past it when WORKER_DEADLOCK_TIMEOUT_ON_REPLAY=on (the SDK default)', async () => {
    await withWorker('on', async (taskQueue) => {
      const handle = await replayASpinningStep(taskQueue);

      expect(await firstTaskFailure(handle, 30_000)).toContain('Script execution timed out');
      await handle.terminate('test over');
    });
  });

  it('still fails the workflow task of new work that runs past it when WORKER_DEADLOCK_TIMEOUT_ON_REPLAY=off', async () => {
    await withWorker('off', async (taskQueue) => {
      const handle = await env.client.workflow.start(spinsWhenSignalled, { taskQueue, workflowId: randomUUID() });
      await handle.signal(spinSignal, ITERATIONS);

      expect(await firstTaskFailure(handle, 30_000)).toContain('Script execution timed out');
      await handle.terminate('test over');
    });
  });
});
