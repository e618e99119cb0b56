import os from 'node:os';
import type { Bill } from '../domain/billing';
import { connectClient } from '../infra/temporal';
import { startChargingPlatform, workerPids } from './lib/charging-fleet';
import { sleep } from './lib/concurrency';
import type { Flags } from './lib/flags';
import { note, type ScenarioReport } from './lib/report';
import { stopSessions } from './lib/session-traffic';
import { distribution, formatDistribution } from './lib/stats';
import { formatUsage, UsageMeter } from './lib/usage';
import { type SessionTimeline, sessionTimelines } from './lib/workflow-history';

const GOAL_MS = 30_000;
const GIVE_UP_MS = 180_000;

/**
 * Scenario 5: with S sessions charging on W workers (`--workers`, default 1), kill -9 one worker and, unless
 * `--restart false` (the default with 2 or more workers), start a new one. Reports the time until every session
 * has taken in a checkpoint again (from the workflows' histories) and where that time went, then stops every
 * session and checks that none was lost and every bill is exactly the energy the pile metered.
 */
export async function recoveryScenario(flags: Flags): Promise<ScenarioReport> {
  const sessions = flags.number('sessions', 1000, 4);
  const checkpointSeconds = flags.number('checkpoint-seconds', 10, 1); // at 5 s, 1,000 sessions send as many signals as 2,000 at 10 s, which kept the dev server above 100 % CPU
  const concurrency = flags.number('concurrency', 50, 4);
  const workers = flags.number('workers', 1);
  const restart = flags.string('restart', String(workers === 1)) === 'true';
  if (!Number.isInteger(workers) || workers < 1 || (workers === 1 && !restart)) throw new Error('--workers must be a whole number ≥ 1, and a single worker needs --restart true');
  const charging = await startChargingPlatform({ name: 'recovery', sessions, concurrency, workers, env: { CHECKPOINT_INTERVAL_SECONDS: String(checkpointSeconds) } });
  const client = await connectClient({ address: charging.engines.temporalAddress, namespace: 'default' });
  try {
    await sleep(2 * checkpointSeconds * 1000);
    note(`kill -9 one of ${workers} worker(s) with ${sessions} sessions charging${restart ? ', then start a new one' : ''}`);
    const { worker } = charging.processes;
    const killedAt = Date.now();
    worker.child.process.kill('SIGKILL');
    await worker.child.exited;
    const replacement = restart ? await charging.platform.start('worker') : undefined;
    const workerReadyMs = replacement ? Date.now() - killedAt : undefined;
    const usage = new UsageMeter({ ...workerPids(charging.extraWorkers, 2), ...(replacement && { replacement: replacement.pid }) }).start();

    const ids = charging.started.sessions.map((s) => s.sessionId);
    const recovered = new Map<string, SessionRecovery>();
    await sleep(Math.min(GOAL_MS + 5000, (workerReadyMs ?? 0) + 3 * checkpointSeconds * 1000));
    while (recovered.size < ids.length && Date.now() - killedAt < GIVE_UP_MS) {
      for (const timeline of await sessionTimelines(client, ids.filter((id) => !recovered.has(id)))) {
        const recovery = recoveryOf(timeline, killedAt);
        if (recovery) recovered.set(timeline.sessionId, recovery);
      }
      if (recovered.size < ids.length) await sleep(5000);
    }
    const workerUsage = usage.stop();
    const loadAverage = os.loadavg().map((l) => Number(l.toFixed(2)));
    const recoveries = [...recovered.values()];
    const recovery = distribution(recoveries.map((r) => r.checkpointAt - killedAt));
    const stuck = ids.length - recovered.size;
    note(`every session progressing again after ${recovery.max} ms (${stuck} did not); stopping them all`);
    const whereTimeWent = {
      firstTaskStartedAfterKillMs: Math.min(...recoveries.map((r) => r.startedAt)) - killedAt,
      recoveredPer5s: histogram(recoveries.map((r) => r.checkpointAt - killedAt), 5000),
      firstTaskWait: distribution(recoveries.map((r) => r.startedAt - r.scheduledAt)),
      firstTaskRun: distribution(recoveries.map((r) => r.completedAt - r.startedAt)),
      checkpointsInFirstTask: distribution(recoveries.map((r) => r.checkpointsTakenIn)),
      scheduleToStartTimeouts: recoveries.reduce((sum, r) => sum + r.scheduleToStartTimeouts, 0),
      startToCloseTimeouts: recoveries.reduce((sum, r) => sum + r.startToCloseTimeouts, 0),
      workerUsage,
      loadAverage,
    };
    // Noted before the stop phase, which a loaded machine can break (then the report below never prints).
    const whereLines = [
      `sessions taking in a checkpoint again, per 5 s after the kill: ${whereTimeWent.recoveredPer5s.join(' ')}`,
      `first workflow task started ${formatOffsetFromKill(whereTimeWent.firstTaskStartedAfterKillMs)}`,
      `each session's first task after the kill, scheduled → started (queue and sticky timeout): ${formatDistribution(whereTimeWent.firstTaskWait)}`,
      `same task, started → completed (replay and run): ${formatDistribution(whereTimeWent.firstTaskRun)}`,
      `checkpoints it took in at once (signal backlog): ${formatDistribution(whereTimeWent.checkpointsInFirstTask, 'checkpoints')}`,
      `workflow task timeouts after the kill: ${whereTimeWent.scheduleToStartTimeouts} ScheduleToStart (sticky queue), ${whereTimeWent.startToCloseTimeouts} StartToClose (in flight on the killed worker)`,
      `workers from ${replacement ? 'ready' : 'the kill'} until the last recovery was seen (polled every 5 s): ${formatUsage(workerUsage)}; load average then ${loadAverage.join(' ')}`,
    ];
    for (const line of whereLines) note(line);

    const completed = await stopSessions(charging.processes.api.url, charging.started.sessions, charging.watch, concurrency);
    const metersAtStop = await charging.fleet.meters(charging.started.sessions.map((s) => s.pileId));
    const wrongBills = charging.started.sessions.filter((s, i) => !billIsExact(completed[i].bill, metersAtStop[s.pileId]! - charging.metersAtStart[s.pileId]!));
    return {
      scenario: 'recovery',
      setup: { sessions, checkpointSeconds, workers, restart, engines: charging.engines.describe() },
      baseline: {},
      ours: { workerReadyMs, untilProgressMs: recovery, sessionsNotProgressing: stuck, completed: completed.length, wrongBills: wrongBills.length, whereTimeWent },
      ratios: {},
      goals: [
        { goal: `every session progressing again ≤ ${GOAL_MS / 1000} s after kill -9 (got ${recovery.max} ms)`, met: stuck === 0 && recovery.max <= GOAL_MS },
        { goal: `no session lost (${stuck} not progressing, ${sessions - completed.length} not completed)`, met: stuck === 0 && completed.length === sessions },
        { goal: `no bill changed (${wrongBills.length} differ from the metered energy)`, met: wrongBills.length === 0 },
      ],
      summary: [
        `${sessions} sessions charging on ${workers} worker(s), checkpoints every ${checkpointSeconds} s; one worker killed with SIGKILL${restart ? ' and started again' : ', no replacement'}`,
        replacement ? `new worker ready after ${workerReadyMs} ms` : `${workers - 1} surviving worker(s) carry every session`,
        `kill → session took in a checkpoint again: ${formatDistribution(recovery)}`,
        ...whereLines,
        `after stopping: ${completed.length} completed, ${wrongBills.length} bills not equal to the pile's metered energy`,
      ],
    };
  } finally {
    await client.connection.close();
    await charging.stop();
  }
}

/** A session's first checkpoint taken in after the kill, and the workflow tasks that led to it. */
interface SessionRecovery {
  checkpointAt: number;
  checkpointsTakenIn: number;
  /** The first workflow task still open at the kill or scheduled after it. */
  scheduledAt: number;
  /** The first task after the kill that a worker completed: when it started and completed. */
  startedAt: number;
  completedAt: number;
  scheduleToStartTimeouts: number;
  startToCloseTimeouts: number;
}

function recoveryOf(timeline: SessionTimeline, killedAt: number): SessionRecovery | undefined {
  const checkpoint = timeline.checkpoints.find((c) => c.appliedAt !== undefined && c.appliedAt > killedAt);
  if (!checkpoint) return undefined;
  const afterKill = timeline.workflowTaskAttempts.filter((a) => a.endedAt > killedAt && a.endedAt <= checkpoint.appliedAt!);
  const done = afterKill.find((a) => a.outcome === 'completed')!;
  return {
    checkpointAt: checkpoint.appliedAt!,
    checkpointsTakenIn: timeline.checkpoints.filter((c) => c.appliedAt === checkpoint.appliedAt).length,
    scheduledAt: afterKill[0].scheduledAt,
    startedAt: done.startedAt ?? done.scheduledAt,
    completedAt: done.endedAt,
    scheduleToStartTimeouts: afterKill.filter((a) => a.outcome === 'timed out ScheduleToStart').length,
    startToCloseTimeouts: afterKill.filter((a) => a.outcome === 'timed out StartToClose').length,
  };
}

/** Counts per bucket of `bucketMs`, from 0 to the largest value: `0-5s:12`. */
function histogram(values: number[], bucketMs: number): string[] {
  const counts = new Array<number>(Math.floor(Math.max(0, ...values) / bucketMs) + 1).fill(0);
  for (const value of values) counts[Math.floor(value / bucketMs)]++;
  return counts.map((count, i) => `${(i * bucketMs) / 1000}-${((i + 1) * bucketMs) / 1000}s:${count}`);
}

/** The bill charges exactly the energy the pile metered, its lines add up, and the hold is split without loss. */
function billIsExact(bill: Bill | undefined, meteredWh: number): boolean {
  if (!bill) return false;
  const linesWh = bill.lines.reduce((sum, line) => sum + line.energyWh, 0);
  return bill.energyWh === meteredWh && linesWh === meteredWh && bill.capturedFen + bill.uncollectedFen === bill.totalFen && bill.capturedFen + bill.releasedFen === bill.heldFen;
}

/** A time relative to the kill, noted once `kill` returned: a task can start in the milliseconds before (on a surviving worker, or on the killed one as it dies). */
function formatOffsetFromKill(ms: number): string {
  return ms >= 0 ? `${ms} ms after the kill` : `${-ms} ms before the kill was noted`;
}
