import type { Bill } from '../domain/billing';
import { connectClient } from '../infra/temporal';
import { startChargingPlatform } from './lib/charging-fleet';
import { sleep } from './lib/concurrency';
import type { Flags } from './lib/flags';
import { note, type ScenarioReport } from './lib/report';
import { stopSessions } from './lib/session-traffic';
import { distribution, formatDistribution } from './lib/stats';
import { sessionTimelines } from './lib/workflow-history';

const GOAL_MS = 30_000;
const GIVE_UP_MS = 180_000;

/**
 * Scenario 5: with S sessions charging, kill -9 the worker and start a new one. Reports the time until every
 * session has taken in a checkpoint again (from the workflows' histories), then stops every session and checks
 * that none was lost and every bill is exactly the energy the pile metered.
 */
export async function recoveryScenario(flags: Flags): Promise<ScenarioReport> {
  const sessions = flags.number('sessions', 1000, 4);
  const checkpointSeconds = flags.number('checkpoint-seconds', 10, 1); // at 5 s, 1,000 sessions send as many signals as 2,000 at 10 s, which kept the dev server above 100 % CPU
  const concurrency = flags.number('concurrency', 50, 4);
  const charging = await startChargingPlatform({ name: 'recovery', sessions, concurrency, env: { CHECKPOINT_INTERVAL_SECONDS: String(checkpointSeconds) } });
  const client = await connectClient({ address: charging.engines.temporalAddress, namespace: 'default' });
  try {
    await sleep(2 * checkpointSeconds * 1000);
    note(`kill -9 the worker with ${sessions} sessions charging`);
    const { worker } = charging.processes;
    const killedAt = Date.now();
    worker.child.process.kill('SIGKILL');
    await worker.child.exited;
    await charging.platform.start('worker');
    const workerReadyMs = Date.now() - killedAt;

    const ids = charging.started.sessions.map((s) => s.sessionId);
    const recoveredAt = new Map<string, number>();
    await sleep(Math.min(GOAL_MS + 5000, workerReadyMs + 3 * checkpointSeconds * 1000));
    while (recoveredAt.size < ids.length && Date.now() - killedAt < GIVE_UP_MS) {
      for (const timeline of await sessionTimelines(client, ids.filter((id) => !recoveredAt.has(id)))) {
        const first = timeline.checkpoints.find((c) => c.appliedAt !== undefined && c.appliedAt > killedAt);
        if (first) recoveredAt.set(timeline.sessionId, first.appliedAt!);
      }
      if (recoveredAt.size < ids.length) await sleep(5000);
    }
    const recovery = distribution([...recoveredAt.values()].map((at) => at - killedAt));
    const stuck = ids.length - recoveredAt.size;
    note(`every session progressing again after ${recovery.max} ms (${stuck} did not); stopping them all`);

    const completed = await stopSessions(charging.processes.api.url, charging.started.sessions, charging.watch, concurrency);
    const metersAtStop = await charging.fleet.meters(charging.started.sessions.map((s) => s.pileId));
    const wrongBills = charging.started.sessions.filter((s, i) => !billIsExact(completed[i].bill, metersAtStop[s.pileId]! - charging.metersAtStart[s.pileId]!));
    return {
      scenario: 'recovery',
      setup: { sessions, checkpointSeconds, engines: charging.engines.describe() },
      baseline: {},
      ours: { workerReadyMs, untilProgressMs: recovery, sessionsNotProgressing: stuck, completed: completed.length, wrongBills: wrongBills.length },
      ratios: {},
      goals: [
        { goal: `every session progressing again ≤ ${GOAL_MS / 1000} s after kill -9 (got ${recovery.max} ms)`, met: stuck === 0 && recovery.max <= GOAL_MS },
        { goal: `no session lost (${stuck} not progressing, ${sessions - completed.length} not completed)`, met: stuck === 0 && completed.length === sessions },
        { goal: `no bill changed (${wrongBills.length} differ from the metered energy)`, met: wrongBills.length === 0 },
      ],
      summary: [
        `${sessions} sessions charging, checkpoints every ${checkpointSeconds} s; worker killed with SIGKILL and started again`,
        `new worker ready after ${workerReadyMs} ms`,
        `kill → session took in a checkpoint again: ${formatDistribution(recovery)}`,
        `after stopping: ${completed.length} completed, ${wrongBills.length} bills not equal to the pile's metered energy`,
      ],
    };
  } finally {
    await client.connection.close();
    await charging.stop();
  }
}

/** The bill charges exactly the energy the pile metered, its lines add up, and the hold is split without loss. */
function billIsExact(bill: Bill | undefined, meteredWh: number): boolean {
  if (!bill) return false;
  const linesWh = bill.lines.reduce((sum, line) => sum + line.energyWh, 0);
  return bill.energyWh === meteredWh && linesWh === meteredWh && bill.capturedFen + bill.uncollectedFen === bill.totalFen && bill.capturedFen + bill.releasedFen === bill.heldFen;
}
