import { connectClient } from '../infra/temporal';
import { startChargingPlatform } from './lib/charging-fleet';
import { sleep } from './lib/concurrency';
import type { Flags } from './lib/flags';
import { note, type ScenarioReport } from './lib/report';
import { distribution, formatDistribution } from './lib/stats';
import { formatUsage, UsageMeter } from './lib/usage';
import { sessionTimelines } from './lib/workflow-history';

const RSS_GOAL_MIB = 1024;
const LAG_GOAL_MS = 1000;

/**
 * Scenario 3: S sessions charging at once on one worker process, telemetry checkpoints flowing. Reports the
 * worker's RSS and cache settings, and from the workflows' own histories the checkpoint signal lag and the
 * workflow-task latency.
 */
export async function activeSessionsScenario(flags: Flags): Promise<ScenarioReport> {
  const sessions = flags.number('sessions', 2000, 6);
  const seconds = flags.number('seconds', 60, 4);
  const checkpointSeconds = flags.number('checkpoint-seconds', 60, 1); // the production default
  const sampleSize = Math.min(sessions, flags.number('history-sample', 200));
  const env = { CHECKPOINT_INTERVAL_SECONDS: String(checkpointSeconds) };
  const charging = await startChargingPlatform({ name: 'active', sessions, concurrency: flags.number('concurrency', 50, 3), env });
  try {
    const { worker } = charging.processes;
    const settings = JSON.parse(worker.child.tail().split('\n').find((line) => line.includes('"msg":"worker running"'))!);
    note(`${sessions} sessions charging; measuring ${seconds} s`);
    const usage = new UsageMeter({ worker: worker.pid, gateway: charging.processes.gateway.pid, temporal: charging.engines.pids.temporal }).start();
    const from = Date.now();
    await sleep(seconds * 1000);
    const to = Date.now();
    const resources = usage.stop();

    const client = await connectClient({ address: charging.engines.temporalAddress, namespace: 'default' });
    const sample = charging.started.sessions.slice(0, sampleSize).map((s) => s.sessionId);
    const timelines = await sessionTimelines(client, sample).finally(() => client.connection.close());
    const inWindow = (t: number) => t >= from && t < to;
    const checkpoints = timelines.flatMap((t) => t.checkpoints).filter((c) => inWindow(c.signaledAt));
    const lag = distribution(checkpoints.map((c) => (c.appliedAt ?? Infinity) - c.sampledAt));
    const serverToWorkflow = distribution(checkpoints.map((c) => (c.appliedAt ?? Infinity) - c.signaledAt));
    const workflowTask = distribution(timelines.flatMap((t) => t.workflowTasks).filter((w) => inWindow(w.scheduledAt)).map((w) => w.completedAt - w.scheduledAt));
    const cache = { maxCachedWorkflows: settings.maxCachedWorkflows, maxConcurrentWorkflowTasks: settings.maxConcurrentWorkflowTasks, maxConcurrentActivities: settings.maxConcurrentActivities };
    return {
      scenario: 'active-sessions',
      setup: { sessions, seconds, checkpointSeconds, historySample: sample.length, cache, engines: charging.engines.describe() },
      baseline: {},
      ours: { resources, checkpointLagMs: lag, signalToAppliedMs: serverToWorkflow, workflowTaskMs: workflowTask, starts: { perSecond: charging.started.perSecond, latencyMs: charging.started.latency } },
      ratios: {},
      goals: [
        { goal: `worker RSS ≤ ${RSS_GOAL_MIB} MiB with ${sessions} sessions (max ${resources.worker.rssMaxMiB} MiB)`, met: resources.worker.rssMaxMiB <= RSS_GOAL_MIB },
        { goal: `checkpoint signal lag p99 < ${LAG_GOAL_MS} ms (got ${lag.p99} ms)`, met: lag.p99 < LAG_GOAL_MS },
      ],
      summary: [
        `${sessions} sessions charging on one worker; checkpoints every ${checkpointSeconds} s; worker cache ${JSON.stringify(cache)}`,
        `${formatUsage(resources)}`,
        `checkpoint lag (pile sample → applied by the workflow): ${formatDistribution(lag)}`,
        `  of which server → workflow (signal recorded → task completed): ${formatDistribution(serverToWorkflow)}`,
        `workflow-task latency (scheduled → completed): ${formatDistribution(workflowTask)}`,
        `(histories of ${sample.length} sessions)`,
      ],
    };
  } finally {
    await charging.stop();
  }
}
