import path from 'node:path';
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

/**
 * What a worker spends replaying sessions (after a crash, every cached session is replayed): the recorded session
 * histories replayed with the prebuilt bundle, in processes of their own, with the SDK recording promise stack
 * traces (its default, the baseline) and without (the worker's default), alternated `--repeats` times so both see
 * the same machine. CPU per replayed workflow task is the figure; no server is involved.
 */
export async function replayScenario(flags: Flags): Promise<ScenarioReport> {
  const rounds = flags.number('rounds', 20, 1);
  const repeats = flags.number('repeats', 3, 1);
  const runs: Record<'on' | 'off', ReplayRun[]> = { on: [], off: [] };
  for (let i = 0; i < repeats; i++) {
    for (const setting of ['on', 'off'] as const) {
      runs[setting].push(await replayIn(setting, rounds));
      const last = runs[setting].at(-1)!;
      note(`stack traces ${setting}: ${last.replays} replays, ${perTask(last)} ms CPU per workflow task`);
    }
  }
  const median = (setting: 'on' | 'off') => runs[setting].map(perTask).sort((a, b) => a - b)[Math.floor(repeats / 2)];
  const [withTraces, without] = [median('on'), median('off')];
  return {
    scenario: 'replay',
    setup: { histories: HISTORIES, rounds, repeats, replaysPerRun: runs.on[0].replays, workflowTasksPerRun: runs.on[0].workflowTasks },
    baseline: { stackTraces: 'on', cpuMsPerWorkflowTask: runs.on.map(perTask), medianCpuMsPerWorkflowTask: withTraces, runs: runs.on },
    ours: { stackTraces: 'off', cpuMsPerWorkflowTask: runs.off.map(perTask), medianCpuMsPerWorkflowTask: without, runs: runs.off },
    ratios: { cpuPerWorkflowTask: ratio(without, withTraces) },
    goals: [],
    summary: [
      `recorded session histories replayed ${rounds} times per run (${runs.on[0].replays} replays, ${runs.on[0].workflowTasks} workflow tasks), ${repeats} runs each, alternated:`,
      `  SDK default, promise stack traces recorded: ${runs.on.map(perTask).join(' / ')} ms CPU per workflow task`,
      `  WORKER_WORKFLOW_STACK_TRACES=off (the worker's default): ${runs.off.map(perTask).join(' / ')} ms`,
      `  median ${without} vs ${withTraces} ms: ${ratio(without, withTraces)} of the CPU`,
    ],
  };
}

function perTask(run: ReplayRun): number {
  return Math.round((run.cpuMs / run.workflowTasks) * 1000) / 1000;
}

async function replayIn(setting: 'on' | 'off', rounds: number): Promise<ReplayRun> {
  const child = startChild(process.execPath, [path.join(__dirname, 'replay-histories.js'), HISTORIES, String(rounds)], { env: { ...process.env, WORKER_WORKFLOW_STACK_TRACES: setting } });
  const line = await child.waitForLine((l) => l.startsWith('{"replays"'), 600_000);
  await child.exited;
  return JSON.parse(line) as ReplayRun;
}
