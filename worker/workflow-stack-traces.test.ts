import { randomUUID } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { startPileCommandWorkflow } from '../api/pile-command-service';
import { ensureSearchAttributes } from '../infra/temporal';
import { aPileCommandInput } from '../test/support/pile-command-inputs';
import { SandboxWorkers } from '../test/support/sandbox-workers';
import { createLocalEnv } from '../test/support/temporal';
import { pileCommandStateQuery, pileCommandWorkflowId } from '../workflows/pile-command.messages';

/**
 * The `__stack_trace` query (the Web UI's "Stack Trace" tab) works only on a worker that records promise stack
 * traces, which costs more than half of its replay time; the patched SDK (patches/) leaves them out when told to.
 * The worker is a process of its own (test/support/sandbox-worker.cjs) running the prebuilt workflow bundle.
 */
let env: TestWorkflowEnvironment;
let workers: SandboxWorkers;

beforeAll(async () => {
  env = await createLocalEnv();
  await ensureSearchAttributes(env.client, 'default');
  workers = new SandboxWorkers(env.address);
}, 120_000);

afterAll(async () => {
  workers?.stopAll();
  await env?.teardown();
});

/** Runs a worker process with the setting, starts a command the pile never answers, and asks where it waits. */
async function stackTraceOfAWaitingWorkflow(setting: 'on' | 'off'): Promise<string> {
  const taskQueue = `stack-traces-${setting}-${randomUUID()}`;
  const worker = await workers.start(taskQueue, { stackTraces: setting, deadlockTimeoutOnReplay: 'off' }, 'sessions');
  try {
    // The pile never answers and the first resend is an hour away: the workflow waits for the ack.
    const input = aPileCommandInput({ policy: { ttlMs: 3_600_000, resend: { initialMs: 3_600_000, maxMs: 3_600_000 }, sessionPollMs: 2_000 } });
    await startPileCommandWorkflow(env.client, taskQueue, input);
    const handle = env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId));
    while ((await handle.query(pileCommandStateQuery)).attempts === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    return await handle.query<string>('__stack_trace');
  } finally {
    await workers.stop(worker);
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
