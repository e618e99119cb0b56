import path from 'node:path';
import { SDK_DEFAULT_SANDBOX, WORKER_DEFAULT_SANDBOX, type WorkflowSandbox, workflowSandboxEnv } from '../worker/workflow-code';
import { startChild } from './lib/child';
import type { Flags } from './lib/flags';
import { note, type ScenarioReport } from './lib/report';
import { ratio } from './lib/stats';

const HISTORIES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'histories');

interface ReplayRun {
  replays: number;
  workflowTasks: number;
  cpuMs: number;
  wallMs: number;
}

/** The sandboxes compared: the SDK as shipped (the baseline), one setting changed, and the worker's defaults. */
const SANDBOXES: { name: string; sandbox: WorkflowSandbox }[] = [
  { name: 'SDK default (stack traces, deadlock timeout on replay)', sandbox: SDK_DEFAULT_SANDBOX },
  { name: 'WORKER_WORKFLOW_STACK_TRACES=off', sandbox: { stackTraces: 'off', deadlockTimeoutOnReplay: 'on' } },
  { name: '+ WORKER_DEADLOCK_TIMEOUT_ON_REPLAY=off (the worker\'s defaults)', sandbox: WORKER_DEFAULT_SANDBOX },
];

/**
 * What a worker spends replaying sessions (after a crash, every cached session is replayed): the recorded session
 * histories replayed with the prebuilt bundle, in processes of their own, in each sandbox of SANDBOXES, alternated
 * `--repeats` times so all see the same machine. CPU per replayed workflow task is the figure; no server is involved.
 */
export async function replayScenario(flags: Flags): Promise<ScenarioReport> {
  const rounds = flags.number('rounds', 20, 1);
  const repeats = flags.number('repeats', 3, 1);
  const runs: ReplayRun[][] = SANDBOXES.map(() => []);
  for (let i = 0; i < repeats; i++) {
    for (const [k, { name, sandbox }] of SANDBOXES.entries()) {
      const run = await replayIn(sandbox, rounds);
      runs[k].push(run);
      note(`${name}: ${run.replays} replays, ${perTask(run)} ms CPU per workflow task`);
    }
  }
  const medians = runs.map((r) => r.map(perTask).sort((a, b) => a - b)[Math.floor(repeats / 2)]);
  const [sdkDefault, ours] = [medians[0], medians.at(-1)!];
  const summaryOf = (k: number) => ({ sandbox: SANDBOXES[k].sandbox, cpuMsPerWorkflowTask: runs[k].map(perTask), medianCpuMsPerWorkflowTask: medians[k], runs: runs[k] });
  return {
    scenario: 'replay',
    setup: { histories: HISTORIES, rounds, repeats, replaysPerRun: runs[0][0].replays, workflowTasksPerRun: runs[0][0].workflowTasks },
    baseline: summaryOf(0),
    ours: { ...summaryOf(SANDBOXES.length - 1), between: SANDBOXES.slice(1, -1).map((_, i) => summaryOf(i + 1)) },
    ratios: { cpuPerWorkflowTask: ratio(ours, sdkDefault) },
    goals: [],
    summary: [
      `recorded session histories replayed ${rounds} times per run (${runs[0][0].replays} replays, ${runs[0][0].workflowTasks} workflow tasks), ${repeats} runs each, alternated; ms CPU per workflow task:`,
      ...SANDBOXES.map(({ name }, k) => `  ${name}: ${runs[k].map(perTask).join(' / ')}`),
      `  median ${ours} vs ${sdkDefault} ms: ${ratio(ours, sdkDefault)} of the SDK default's CPU`,
    ],
  };
}

function perTask(run: ReplayRun): number {
  return Math.round((run.cpuMs / run.workflowTasks) * 1000) / 1000;
}

async function replayIn(sandbox: WorkflowSandbox, rounds: number): Promise<ReplayRun> {
  const child = startChild(process.execPath, [path.join(__dirname, 'replay-histories.js'), HISTORIES, String(rounds)], { env: { ...process.env, ...workflowSandboxEnv(sandbox) } });
  const line = await child.waitForLine((l) => l.startsWith('{"replays"'), 600_000);
  await child.exited;
  return JSON.parse(line) as ReplayRun;
}
