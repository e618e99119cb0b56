import os from 'node:os';
import type { Flags } from './lib/flags';
import type { Pace } from './lib/concurrency';
import { type ChargingPlatform, startChargingPlatform } from './lib/charging-fleet';
import type { TemporalPersistence } from './lib/engines';
import { measureNoopWorkflows } from './lib/noop-baseline';
import { type Goal, note, type ScenarioReport } from './lib/report';
import { type Distribution, distribution, formatDistribution, ratio } from './lib/stats';
import { formatUsage } from './lib/usage';

const GOAL_RATIO = 0.5;
/** The steady rate issue 16's latency goals are stated for, and the goals. */
const GOAL_RATE_PER_SECOND = 5;
const GOAL_TO_COMMAND_P99_MS = 1000;
const GOAL_TO_CHARGING_P99_MS = 1500;

/**
 * Scenario 2: sessions started through the API on simulated piles, each until it is charging, once per persistence
 * of the dev server (in memory, SQLite file). Two modes:
 * - burst (default): K sessions, `concurrency` at a time, as fast as the platform goes. Baseline: no-op workflows
 *   run to completion on the same Temporal server, at the same concurrency; the goal is the ratio of the rates.
 * - steady (`--rate R --seconds S`): R starts a second for S seconds, whatever the platform does, as drivers
 *   arrive. Baseline: no-op workflows at the same rate on the same server; the goals are latencies at 5/s.
 * Both report, per start, `POST /sessions` → the pile received its start command (timed by the pile-fleet
 * process) and → the session announced CHARGING (the pile's ack and `sessionStarted` included).
 */
export async function sessionStartsScenario(flags: Flags): Promise<ScenarioReport> {
  const rate = flags.number('rate', 0);
  const steady = rate > 0;
  const count = steady ? Math.round(rate * flags.number('seconds', 30)) : flags.number('sessions', 500, 6);
  const concurrency = flags.number('concurrency', 50, 3);
  const pace: Pace = steady ? { perSecond: rate } : { concurrency };
  const persistences = flags.string('temporal', flags.smoke || steady ? 'memory' : 'memory,sqlite').split(',') as TemporalPersistence[];
  const runs: Run[] = [];
  const describeRun = (r: Run) => [
    `Temporal dev server ${r.persistence}, ${steady ? `steady ${rate} starts/s` : `${concurrency} at a time`}:`,
    `  baseline no-op workflows: ${r.baseline.perSecond}/s, ${formatDistribution(r.baseline.latency)}`,
    `  ours sessions until CHARGING: ${r.ours.perSecond}/s, ${formatDistribution(r.ours.latency)}`,
    `  POST /sessions → pile received its start command: ${formatDistribution(r.ours.toStartCommand)}${r.ours.commandsNeverSeen ? `; ${r.ours.commandsNeverSeen} never seen` : ''}`,
    `  ${formatUsage(r.ours.resources)}; load average ${r.ours.loadAverage.join(' ')}`,
  ];
  for (const persistence of persistences) {
    const run = await measureStarts(persistence, count, pace);
    // Printed at once, so a later persistence that breaks does not take this one's figures with it.
    for (const line of describeRun(run)) note(line);
    runs.push(run);
  }
  return {
    scenario: 'session-starts',
    setup: { sessions: count, ...pace, temporal: persistences },
    baseline: Object.fromEntries(runs.map((r) => [r.persistence, r.baseline])),
    ours: Object.fromEntries(runs.map((r) => [r.persistence, r.ours])),
    ratios: Object.fromEntries(runs.map((r) => [r.persistence, ratio(r.ours.perSecond, r.baseline.perSecond)])),
    goals: runs.flatMap((r) => (steady ? latencyGoals(r, rate) : [rateGoal(r)])),
    summary: runs.flatMap(describeRun),
  };
}

type Run = Awaited<ReturnType<typeof measureStarts>>;

function rateGoal(r: Run): Goal {
  return {
    goal: `${r.persistence}: session starts ≥ ${GOAL_RATIO} × no-op workflow starts (got ${ratio(r.ours.perSecond, r.baseline.perSecond)})`,
    met: r.ours.perSecond >= GOAL_RATIO * r.baseline.perSecond,
  };
}

/** The latency goals hold at 5 starts/s; at a lower rate the figures are published (scan to charging), not judged. */
function latencyGoals(r: Run, rate: number): Goal[] {
  if (rate < GOAL_RATE_PER_SECOND) return [];
  return [
    { goal: `${r.persistence} at ${rate}/s: POST → start command p99 ≤ ${GOAL_TO_COMMAND_P99_MS} ms (got ${r.ours.toStartCommand.p99})`, met: r.ours.toStartCommand.p99 <= GOAL_TO_COMMAND_P99_MS },
    { goal: `${r.persistence} at ${rate}/s: POST → CHARGING p99 ≤ ${GOAL_TO_CHARGING_P99_MS} ms (got ${r.ours.latency.p99})`, met: r.ours.latency.p99 <= GOAL_TO_CHARGING_P99_MS },
  ];
}

async function measureStarts(persistence: TemporalPersistence, count: number, pace: Pace) {
  let baseline: Awaited<ReturnType<typeof measureNoopWorkflows>> | undefined;
  const charging = await startChargingPlatform({
    name: 'starts',
    sessions: count,
    concurrency: 'concurrency' in pace ? pace.concurrency : 1,
    perSecond: 'perSecond' in pace ? pace.perSecond : undefined,
    temporal: persistence,
    before: async (engines) => {
      note(`${persistence}: baseline, ${count} no-op workflows`);
      baseline = await measureNoopWorkflows(engines.temporalAddress, count, pace);
    },
  });
  const loadAverage = os.loadavg().map((l) => Number(l.toFixed(2)));
  try {
    const { toStartCommand, commandsNeverSeen } = await timeToStartCommand(charging);
    const { perSecond, latency } = charging.started;
    return { persistence, baseline: baseline!, ours: { perSecond, latency, toStartCommand, commandsNeverSeen, resources: charging.startResources, loadAverage } };
  } finally {
    await charging.stop();
  }
}

/** POST /sessions → the moment the pile-fleet process took the session's start command in. */
async function timeToStartCommand(charging: ChargingPlatform): Promise<{ toStartCommand: Distribution; commandsNeverSeen: number }> {
  const { sessions } = charging.started;
  const arrivals = await charging.fleet.startCommandArrivals(sessions.map((s) => s.sessionId));
  const latencies = sessions.flatMap((s) => {
    const arrivedAt = arrivals[s.sessionId];
    return arrivedAt === undefined ? [] : [arrivedAt - s.requestedAt];
  });
  return { toStartCommand: distribution(latencies), commandsNeverSeen: sessions.length - latencies.length };
}
