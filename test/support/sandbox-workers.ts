import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { WorkflowSandbox } from '../../worker/workflow-code';

/** Which workflows a sandbox worker runs (test/support/sandbox-worker.cjs says what each is). */
export type SandboxWorkflows = 'sessions' | 'spinning';

/**
 * Worker processes with a workflow sandbox of their own (the patched SDK reads its settings from the process's
 * environment, which a jest test cannot set for the SDK's threads). Each runs until `stop` or `stopAll`.
 */
export class SandboxWorkers {
  private readonly running: ChildProcess[] = [];

  constructor(private readonly temporalAddress: string) {}

  async start(taskQueue: string, sandbox: WorkflowSandbox, workflows: SandboxWorkflows): Promise<ChildProcess> {
    const args = [this.temporalAddress, taskQueue, sandbox.stackTraces, sandbox.deadlockTimeoutOnReplay, workflows];
    const worker = spawn(process.execPath, [path.join(__dirname, 'sandbox-worker.cjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.running.push(worker);
    const [chunk] = (await once(worker.stdout, 'data')) as [Buffer];
    if (!chunk.toString().includes('worker running')) throw new Error(`the worker did not start: ${chunk}`);
    return worker;
  }

  async stop(worker: ChildProcess): Promise<void> {
    if (worker.exitCode !== null) return;
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }

  stopAll(): void {
    for (const worker of this.running) if (worker.exitCode === null) worker.kill('SIGKILL');
  }
}
