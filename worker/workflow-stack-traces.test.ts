import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { startPileCommandWorkflow } from '../api/pile-command-service';
import { ensureSearchAttributes } from '../infra/temporal';
import { aPileCommandInput } from '../test/support/pile-command-inputs';
import { createLocalEnv } from '../test/support/temporal';
import { pileCommandStateQuery, pileCommandWorkflowId } from '../workflows/pile-command.messages';

/**
 * The `__stack_trace` query (the Web UI's "Stack Trace" tab) works only on a worker that records promise stack
 * traces, which costs more than half of its replay time; the patched SDK (patches/) leaves them out when told to.
 * The worker is a process of its own (test/support/stack-trace-worker.cjs) running the prebuilt workflow bundle.
 */
let env: TestWorkflowEnvironment;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  env = await createLocalEnv();
  await ensureSearchAttributes(env.client, 'default');
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await env?.teardown();
});

async function startWorkerProcess(taskQueue: string, setting: 'on' | 'off'): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [path.join(__dirname, '../test/support/stack-trace-worker.cjs'), env.address, taskQueue, setting], { stdio: ['ignore', 'pipe', 'inherit'] });
  workers.push(worker);
  const [chunk] = (await once(worker.stdout, 'data')) as [Buffer];
  if (!chunk.toString().includes('worker running')) throw new Error(`the worker did not start: ${chunk}`);
  return worker;
}

/** Runs a worker process with the setting, starts a command the pile never answers, and asks where it waits. */
async function stackTraceOfAWaitingWorkflow(setting: 'on' | 'off'): Promise<string> {
  const taskQueue = `stack-traces-${setting}-${randomUUID()}`;
  const worker = await startWorkerProcess(taskQueue, setting);
  try {
    // The pile never answers and the first resend is an hour away: the workflow waits for the ack.
    const input = aPileCommandInput({ policy: { ttlMs: 3_600_000, resend: { initialMs: 3_600_000, maxMs: 3_600_000 }, sessionPollMs: 2_000 } });
    await startPileCommandWorkflow(env.client, taskQueue, input);
    const handle = env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId));
    while ((await handle.query(pileCommandStateQuery)).attempts === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    return await handle.query<string>('__stack_trace');
  } finally {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }
}

describe('workflow stack traces', () => {
  it('are answered by a worker with WORKER_WORKFLOW_STACK_TRACES=on, naming the workflow code that waits', async () => {
    const stackTrace = await stackTraceOfAWaitingWorkflow('on');

    expect(stackTrace).toContain('workflows/pile-command.ts');
  });

  it('are refused with a clear error by a worker with WORKER_WORKFLOW_STACK_TRACES=off (the default)', async () => {
    await expect(stackTraceOfAWaitingWorkflow('off')).rejects.toThrow('Workflow stack traces are not enabled on this worker');
  });
});
