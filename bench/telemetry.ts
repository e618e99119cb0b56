import { createDatabase } from '../db/database';
import { LiveState } from '../live/live-state';
import { RedisHotState } from '../infra/hot-state';
import { connectMqtt } from '../infra/mqtt';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { ChargingDesk, type DeskSession } from './lib/charging-desk';
import { sleep, until } from './lib/concurrency';
import { startEngines } from './lib/engines';
import { FanOutProbe, type FanOutWindow, measureBrokerPath } from './lib/fan-out-probe';
import type { Flags } from './lib/flags';
import { RemoteFleet } from './lib/fleet-remote';
import { Platform, readCounter } from './lib/platform';
import { note, type ScenarioReport } from './lib/report';
import { benchStations, type BenchStation, seedStations } from './lib/seed';
import { formatDistribution, ratio } from './lib/stats';
import { formatUsage, UsageMeter } from './lib/usage';

const P99_GOAL_MS = 100;
const PILES_PER_STATION = 100;

/**
 * Scenario 1: N piles, each on its own MQTT connection, publish telemetry at 1 Hz through Mosquitto → gateway →
 * Redis pub/sub → API → WebSocket clients following a few hundred sessions and the stations. Baseline: the same
 * publishers straight to one subscriber through the same broker. Then the ceiling: piles at which p99 passes 100 ms.
 */
export async function telemetryScenario(flags: Flags): Promise<ScenarioReport> {
  const piles = flags.number('piles', 10_000, 40);
  const seconds = flags.number('seconds', 60, 3);
  const follow = Math.min(piles, flags.number('follow', 300, 10));
  const findCeiling = !flags.smoke && flags.string('ceiling', 'true') !== 'false';
  const step = flags.number('step', 2500);
  const stepSeconds = flags.number('step-seconds', 20);
  const maxPiles = findCeiling ? flags.number('max-piles', 17_500) : piles;
  const checkpointSeconds = flags.number('checkpoint-seconds', 60);
  const warmupMs = flags.smoke ? 500 : 5000;
  const graceMs = flags.smoke ? 1000 : 3000;

  const engines = await startEngines({ temporal: 'memory' });
  const platform = new Platform(engines, { CHECKPOINT_INTERVAL_SECONDS: String(checkpointSeconds) });
  const db = createDatabase({ mysqlUrl: engines.mysqlUrl, dataDir: '.' });
  const hot = new RedisHotState(engines.redisUrl);
  const cleanups: (() => Promise<void>)[] = [engines.stop, () => db.close(), () => hot.close(), () => platform.stop()];
  try {
    const perStation = Math.min(PILES_PER_STATION, piles);
    const stations = benchStations('tele', Math.ceil(maxPiles / perStation), perStation);
    await seedStations(db, stations);
    const fleet = await RemoteFleet.start({ mqttUrl: engines.mqttUrl, masterKey: platform.pileMasterKey });
    cleanups.push(() => fleet.stop());
    const mqtt = await connectMqtt(engines.mqttUrl, mqttCredentials(platform.pileMasterKey, { role: 'commands', name: 'bench-desk' }));
    cleanups.push(() => mqtt.endAsync());
    const desk = new ChargingDesk({ mqtt, masterKey: platform.pileMasterKey, live: new LiveState(hot), db });

    let connected = 0;
    const connectUpTo = async (count: number) => {
      const more = stations.slice(connected / perStation, Math.ceil(count / perStation));
      if (!more.length) return;
      const { ms } = await fleet.connect(more);
      note(`connected ${more.length * perStation} more piles in ${ms} ms`);
      connected += more.length * perStation;
    };
    await connectUpTo(piles);

    note(`baseline: ${piles} piles → Mosquitto → one subscriber, ${seconds} s`);
    const baselineSessions = sessionsOf(stations, 'base', piles);
    await new ChargingDesk({ mqtt, masterKey: platform.pileMasterKey }).start(baselineSessions);
    await until(async () => (await fleet.charging()) === piles, 120_000, 'every pile charging (baseline)');
    const baselineUsage = new UsageMeter({ fleet: fleet.pid, ...engines.pids });
    const baselineUsageStarted = sleep(warmupMs).then(() => baselineUsage.start());
    const baseline = await measureBrokerPath(engines.mqttUrl, seconds, warmupMs);
    await baselineUsageStarted;
    const baselineResources = baselineUsage.stop();
    await desk.stop(baselineSessions);
    await until(async () => (await fleet.charging()) === 0, 120_000, 'every pile stopped');

    note('system: starting gateway and API');
    const gateway = await platform.start('gateway');
    const api = await platform.start('api');
    await settled(() => readCounter(gateway.metricsUrl, 'evcp_gateway_messages_total'), async () => false, warmupMs);

    const sessions = sessionsOf(stations, 'sys', maxPiles);
    const followed = sessions.slice(0, follow);
    const plans = Array.from({ length: Math.ceil(follow / 3) }, (_, i) => ({
      userId: `bench-watcher-${i}`,
      sessions: followed.slice(i * 3, i * 3 + 3).map((s) => s.sessionId),
      stations: [stations[i % Math.ceil(piles / perStation)].stationId],
    }));
    plans.forEach((plan) => followed.filter((s) => plan.sessions.includes(s.sessionId)).forEach((s) => (s.userId = plan.userId)));

    let charging = 0;
    const chargeExactly = async (count: number) => {
      await connectUpTo(count);
      const before = await readCounter(gateway.metricsUrl, 'evcp_gateway_messages_total', { kind: 'event' });
      if (count > charging) await desk.start(sessions.slice(charging, count), { recorded: new Set(followed.map((s) => s.sessionId)) });
      else await desk.stop(sessions.slice(count, charging));
      const changed = Math.abs(count - charging);
      charging = count;
      await until(async () => (await fleet.charging()) === count, 180_000, `${count} piles charging`);
      // Each start or stop is followed by a session event; wait until the gateway has taken them in (or stopped
      // taking any: a broker that dropped some shows up as lost samples of the sessions that never started).
      const events = () => readCounter(gateway.metricsUrl, 'evcp_gateway_messages_total', { kind: 'event' });
      await settled(events, async (n) => n - before >= changed, warmupMs);
    };

    const measureAt = async (count: number, windowSeconds: number): Promise<Measured> => {
      await chargeExactly(count);
      await sleep(warmupMs);
      const usage = new UsageMeter({ gateway: gateway.pid, api: api.pid, fleet: fleet.pid, ...engines.pids }).start();
      const counters = await gatewayCounters(gateway.metricsUrl);
      const window = await probe.measure(windowSeconds, graceMs);
      const resources = usage.stop();
      const after = await gatewayCounters(gateway.metricsUrl);
      const handledPerSecond = Math.floor((after.handled - counters.handled) / (windowSeconds + graceMs / 1000));
      const measured = { piles: count, window, handledPerSecond, failed: after.failed - counters.failed, resources };
      note(`${count} piles: ${formatDistribution(window.latency)}, gateway ${handledPerSecond} msg/s, lost ${window.lost}/${window.expected}`);
      return measured;
    };

    const first = findCeiling ? Math.min(step, piles) : piles;
    await chargeExactly(first);
    const probe = await FanOutProbe.attach({ mqttUrl: engines.mqttUrl, apiUrl: api.url, jwtSecret: platform.jwtSecret, followed, plans });
    cleanups.push(() => probe.close());

    // The ceiling is searched upwards, each step from a state that kept up: after an overloaded step the gateway's
    // backlog would spoil every later window. The goal's own run comes last, for the same reason.
    const steps: Measured[] = [];
    const passes = (m: Measured) => m.window.latency.p99 <= P99_GOAL_MS && m.window.lost === 0;
    for (let count = first; findCeiling && count < piles; count += step) {
      const measured = await measureAt(count, stepSeconds);
      steps.push(measured);
      if (!passes(measured)) break;
    }
    note(`system: ${piles} piles → gateway → Redis → API → ${plans.length} WebSocket clients, ${seconds} s`);
    const main = await measureAt(piles, seconds);
    for (let count = piles + step; findCeiling && passes(main) && count <= maxPiles; count += step) {
      const measured = await measureAt(count, stepSeconds);
      steps.push(measured);
      if (!passes(measured)) break;
    }
    return report({ piles, seconds, follow, watchers: plans.length, checkpointSeconds, engines: engines.describe() }, baseline, baselineResources, main, steps);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => note(`cleanup: ${error}`));
  }
}

interface Measured {
  piles: number;
  window: FanOutWindow;
  handledPerSecond: number;
  failed: number;
  resources: ReturnType<UsageMeter['stop']>;
}

function sessionsOf(stations: BenchStation[], phase: string, count: number): DeskSession[] {
  return stations
    .flatMap((s) => s.piles.map((p) => ({ sessionId: `${phase}-${p.pileId}`, pileId: p.pileId, stationId: s.stationId, userId: 'bench-driver' })))
    .slice(0, count);
}

async function gatewayCounters(metricsUrl: string) {
  const count = (outcome: string) => readCounter(metricsUrl, 'evcp_gateway_messages_total', { kind: 'telemetry', outcome });
  return { handled: await count('handled'), failed: await count('failed') };
}

/** Waits until a counter reaches what `enough` asks, or stops moving for `quietMs`. */
async function settled(read: () => Promise<number>, enough: (value: number) => Promise<boolean>, quietMs: number): Promise<void> {
  let last = -1;
  for (let value = await read(); value !== last && !(await enough(value)); value = await read()) {
    last = value;
    await sleep(quietMs);
  }
}

function report(setup: Record<string, unknown>, baseline: Awaited<ReturnType<typeof measureBrokerPath>>, baselineResources: Measured['resources'], main: Measured, steps: Measured[]): ScenarioReport {
  const passing = [main, ...steps].filter((m) => m.window.latency.p99 <= P99_GOAL_MS && m.window.lost === 0).map((m) => m.piles);
  const failing = [main, ...steps].filter((m) => !passing.includes(m.piles)).map((m) => m.piles);
  const ceiling = { highestPassing: passing.length ? Math.max(...passing) : null, lowestFailing: failing.length ? Math.min(...failing) : null };
  return {
    scenario: 'telemetry',
    setup,
    baseline: { deliveredPerSecond: baseline.perSecond, latencyMs: baseline.latency, resources: baselineResources },
    ours: { ...main, ceiling, steps: steps.map((s) => ({ piles: s.piles, latencyMs: s.window.latency, lost: s.window.lost, handledPerSecond: s.handledPerSecond })) },
    ratios: {
      gatewayThroughputVsBaseline: ratio(main.handledPerSecond, baseline.perSecond),
      p99VsBaseline: ratio(main.window.latency.p99, baseline.latency.p99),
    },
    goals: [
      { goal: `${setup.piles} piles at 1 Hz: p99 ≤ ${P99_GOAL_MS} ms (got ${main.window.latency.p99} ms)`, met: main.window.latency.p99 <= P99_GOAL_MS },
      { goal: `nothing lost (lost ${main.window.lost} of ${main.window.expected})`, met: main.window.lost === 0 },
    ],
    summary: [
      `baseline (broker → subscriber): ${baseline.perSecond} msg/s, ${formatDistribution(baseline.latency)}`,
      `  ${formatUsage(baselineResources)}`,
      `ours (pile → WebSocket): gateway handled ${main.handledPerSecond} msg/s, WebSocket delivered ${main.window.deliveredPerSecond} msg/s`,
      `  latency ${formatDistribution(main.window.latency)}; lost ${main.window.lost} of ${main.window.expected}; gateway failures ${main.failed}`,
      `  ${formatUsage(main.resources)}`,
      ...steps.map((s) => `ceiling step ${s.piles} piles: ${formatDistribution(s.window.latency)}, gateway ${s.handledPerSecond} msg/s, lost ${s.window.lost}`),
      `ceiling: highest passing ${ceiling.highestPassing ?? '-'} piles, lowest failing ${ceiling.lowestFailing ?? '-'} piles`,
    ],
  };
}
