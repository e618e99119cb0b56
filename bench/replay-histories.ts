import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../infra/temporal';
import { PREBUILT_WORKFLOW_BUNDLES } from '../worker/workflow-code';

/**
 * A process of its own for the replay scenario: replays the recorded session histories `rounds` times with the
 * prebuilt workflow bundle and prints one JSON line (replays, workflow tasks replayed, CPU and wall time). The
 * sandbox's settings (stack traces, deadlock timeout on replay) come from its environment (workflowSandboxEnv).
 */
async function main() {
  const [dir, roundsArg] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  installTemporalRuntime('warn');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const recorded = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { events: { eventType: string }[] });
  const histories = recorded.map((h) => historyFromJSON(h));
  const tasksPerRound = recorded.reduce((sum, h) => sum + h.events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length, 0);
  const replay = async (n: number) => {
    const all = function* () {
      for (let round = 0; round < n; round++) for (const [i, history] of histories.entries()) yield { workflowId: `replay-${round}-${i}`, history };
    };
    let replays = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLES.plain } }, all())) {
      if (result.error) throw result.error;
      replays++;
    }
    return replays;
  };
  await replay(1); // warm-up: the bundle loaded, the code compiled
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const replays = await replay(rounds);
  const wallMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ replays, workflowTasks: tasksPerRound * rounds, cpuMs: (cpu.user + cpu.system) / 1000, wallMs }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
