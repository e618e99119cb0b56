import type { Flags } from './lib/flags';
import { startChargingPlatform } from './lib/charging-fleet';
import type { TemporalPersistence } from './lib/engines';
import { measureNoopWorkflows } from './lib/noop-baseline';
import { note, type ScenarioReport } from './lib/report';
import { formatDistribution, ratio } from './lib/stats';
import { formatUsage } from './lib/usage';

const GOAL_RATIO = 0.5;

/**
 * Scenario 2: K sessions started through the API on simulated piles, each until it is charging. Baseline: no-op
 * workflows run to completion on the same Temporal server, at the same concurrency. Once per persistence of the
 * dev server (in memory, SQLite file).
 */
export async function sessionStartsScenario(flags: Flags): Promise<ScenarioReport> {
  const count = flags.number('sessions', 500, 6);
  const concurrency = flags.number('concurrency', 50, 3);
  const persistences = flags.string('temporal', flags.smoke ? 'memory' : 'memory,sqlite').split(',') as TemporalPersistence[];
  const runs = [];
  for (const persistence of persistences) runs.push(await measureStarts(persistence, count, concurrency));
  return {
    scenario: 'session-starts',
    setup: { sessions: count, concurrency, temporal: persistences },
    baseline: Object.fromEntries(runs.map((r) => [r.persistence, r.baseline])),
    ours: Object.fromEntries(runs.map((r) => [r.persistence, r.ours])),
    ratios: Object.fromEntries(runs.map((r) => [r.persistence, ratio(r.ours.perSecond, r.baseline.perSecond)])),
    goals: runs.map((r) => ({
      goal: `${r.persistence}: session starts ≥ ${GOAL_RATIO} × no-op workflow starts (got ${ratio(r.ours.perSecond, r.baseline.perSecond)})`,
      met: r.ours.perSecond >= GOAL_RATIO * r.baseline.perSecond,
    })),
    summary: runs.flatMap((r) => [
      `Temporal dev server ${r.persistence}:`,
      `  baseline no-op workflows: ${r.baseline.perSecond}/s, ${formatDistribution(r.baseline.latency)}`,
      `  ours sessions until CHARGING: ${r.ours.perSecond}/s, ${formatDistribution(r.ours.latency)}`,
      `  ${formatUsage(r.ours.resources)}`,
    ]),
  };
}

async function measureStarts(persistence: TemporalPersistence, count: number, concurrency: number) {
  let baseline: Awaited<ReturnType<typeof measureNoopWorkflows>> | undefined;
  const charging = await startChargingPlatform({
    name: 'starts',
    sessions: count,
    concurrency,
    temporal: persistence,
    before: async (engines) => {
      note(`${persistence}: baseline, ${count} no-op workflows`);
      baseline = await measureNoopWorkflows(engines.temporalAddress, count, concurrency);
    },
  });
  await charging.stop();
  return { persistence, baseline: baseline!, ours: { perSecond: charging.started.perSecond, latency: charging.started.latency, resources: charging.startResources } };
}
