import fs from 'node:fs';
import path from 'node:path';

/**
 * Where `npm run build` writes the workflow bundles, beside the compiled workers in dist/: one plain, one with the
 * OpenTelemetry workflow interceptors. The interceptors cost about 40 % of the session start rate and more than
 * half of a worker's memory (docs/performance.md), so a worker carries them only when tracing is on.
 */
export const PREBUILT_WORKFLOW_BUNDLES = {
  plain: path.join(__dirname, '..', 'workflow-bundle.js'),
  traced: path.join(__dirname, '..', 'workflow-bundle.traced.js'),
} as const;

/** Workflow interceptors of a traced worker: OpenTelemetry spans for workflows, their activities and messages. */
export const WORKFLOW_TRACING_INTERCEPTOR_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

export type WorkflowCode = { workflowBundle: { codePath: string } } | { workflowsPath: string; workflowInterceptorModules: string[] };

/**
 * The workflow code a worker runs, with the tracing interceptors or without. From the bundle built with the rest
 * of dist/ when there is one, so a starting worker neither loads webpack nor compiles (faster restarts, about
 * 65 MiB less resident memory); from the TypeScript sources (the tests), bundled at start.
 *
 * Either can replay the other's sessions: command nonces do not come from the workflow's PRNG (command-nonce.ts).
 */
export function workflowCode(options: { traced: boolean }): WorkflowCode {
  const bundle = PREBUILT_WORKFLOW_BUNDLES[options.traced ? 'traced' : 'plain'];
  if (fs.existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: options.traced ? WORKFLOW_TRACING_INTERCEPTOR_MODULES : [] };
}

/** How the SDK runs workflow code in its sandbox; both are settings of the patch in patches/@temporalio+worker+*.patch. */
export interface WorkflowSandbox {
  /** `on`: every promise a workflow creates records a stack trace, for the `__stack_trace` query (the SDK's way). */
  stackTraces: 'on' | 'off';
  /** `on`: calls of an activation replaying history run under the 5 s deadlock timeout too (the SDK's way). */
  deadlockTimeoutOnReplay: 'on' | 'off';
}

/** The sandbox as the SDK ships it, the baseline the benchmarks compare with. */
export const SDK_DEFAULT_SANDBOX: WorkflowSandbox = { stackTraces: 'on', deadlockTimeoutOnReplay: 'on' };

/** The worker's sandbox unless configured otherwise (the defaults of WORKER_WORKFLOW_STACK_TRACES and WORKER_DEADLOCK_TIMEOUT_ON_REPLAY). */
export const WORKER_DEFAULT_SANDBOX: WorkflowSandbox = { stackTraces: 'off', deadlockTimeoutOnReplay: 'off' };

/**
 * Sets how the workflow threads this process starts from now on run workflow code. The SDK spawns its workflow
 * threads itself, and a thread reads the environment it was spawned with, so the settings travel there through
 * this process's environment.
 */
export function setWorkflowSandbox(sandbox: WorkflowSandbox): void {
  Object.assign(process.env, workflowSandboxEnv(sandbox));
}

/** The environment variables the patched SDK reads (the same names as the worker's settings). */
export function workflowSandboxEnv(sandbox: WorkflowSandbox): Record<string, string> {
  return { WORKER_WORKFLOW_STACK_TRACES: sandbox.stackTraces, WORKER_DEADLOCK_TIMEOUT_ON_REPLAY: sandbox.deadlockTimeoutOnReplay };
}
