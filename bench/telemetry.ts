import os from 'node:os';
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
import { Platform, type PlatformProcess, readCounter, readHistogram } from './lib/platform';
import { type ThrottleMethod, throttleProcess } from './lib/throttle';
import { note, type ScenarioReport } from './lib/report';
import { benchStations, type BenchStation, seedStations } from './lib/seed';
import { type BucketedDistribution, bucketedDistribution, formatBucketed, formatDistribution, ratio } from './lib/stats';
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
  // --ramp-from N: the steps below the main window start at N piles instead of one step (a finer step then costs fewer windows).
  const rampFrom = flags.number('ramp-from', step);
  const stepSeconds = flags.number('step-seconds', 20);
  const maxPiles = findCeiling ? flags.number('max-piles', 17_500) : piles;
  const checkpointSeconds = flags.number('checkpoint-seconds', 60);
  const gatewayCount = flags.number('gateways', 1);
  // --overload F: a last step in which the gateways get 1/F of the CPU the load needs (measured in the main window).
  const overloadFactor = flags.number('overload', 0);
  // --ceiling-by throughput: the ceiling is the load the gateways still handle whole (every sample, ≤ 1 % shed, nothing failed),
  // not the p99 goal; under a CPU quota the p99 mostly measures how the quota stretches a GC pause.
  const ceilingBy = flags.string('ceiling-by', 'p99') as CeilingBy;
  if (ceilingBy !== 'p99' && ceilingBy !== 'throughput') throw new Error(`--ceiling-by is p99 or throughput (got ${ceilingBy})`);
  // --gateway-cpu S: each gateway may use only S of a core throughout (its ceiling then shows apart from the machine's).
  const gatewayCpu = flags.number('gateway-cpu', 0);
  // --quota-settle-seconds S: how long the held gateways run before the first scored window (default: one window). A
  // lone gateway's cost per message keeps falling for minutes (performance.md, eighth round), so ceilings compared
  // between runs need the same, longer settling.
  const quotaSettleSeconds = flags.number('quota-settle-seconds', findCeiling ? stepSeconds : seconds);
  if (overloadFactor > 0 && gatewayCpu > 0) throw new Error('--overload and --gateway-cpu both throttle the gateways: use one of them');
  let throttleMethod: ThrottleMethod | 'none' = 'none';
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

    note(`system: starting ${gatewayCount} gateway(s) and API`);
    const gateways: PlatformProcess[] = [];
    for (let i = 0; i < gatewayCount; i++) gateways.push(await platform.start('gateway'));
    const api = await platform.start('api');
    const gatewaySum = (name: string, labels: Record<string, string> = {}) => sumOver(gateways, name, labels);
    const gatewayPids = Object.fromEntries(gateways.map((g, i) => [i ? `gateway${i + 1}` : 'gateway', g.pid]));
    // The piles' retained statuses arrive when a gateway subscribes; heartbeats never stop, so only statuses settle.
    const subscribedAt = Date.now();
    await settled(() => gatewaySum('evcp_gateway_messages_total', { kind: 'status' }), async () => false, warmupMs);
    const [statuses, statusSeconds] = await Promise.all([gatewaySum('evcp_gateway_handle_seconds_count', { kind: 'status' }), gatewaySum('evcp_gateway_handle_seconds_sum', { kind: 'status' })]);
    note(`gateways took in ${statuses} statuses in ${Date.now() - subscribedAt - warmupMs} ms, ${Math.round((statusSeconds / Math.max(1, statuses)) * 1000)} ms each on average`);

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
      const before = await gatewaySum('evcp_gateway_messages_total', { kind: 'event' });
      if (count > charging) await desk.start(sessions.slice(charging, count), { recorded: new Set(followed.map((s) => s.sessionId)) });
      else await desk.stop(sessions.slice(count, charging));
      const changed = Math.abs(count - charging);
      charging = count;
      await until(async () => (await fleet.charging()) === count, 180_000, `${count} piles charging`);
      // Each start or stop is followed by a session event; wait until the gateway has taken them in (or stopped
      // taking any: a broker that dropped some shows up as lost samples of the sessions that never started).
      const events = () => gatewaySum('evcp_gateway_messages_total', { kind: 'event' });
      await settled(events, async (n) => n - before >= changed, warmupMs);
    };

    let held = false;
    const measureAt = async (count: number, windowSeconds: number): Promise<Measured> => {
      await chargeExactly(count);
      if (gatewayCpu > 0 && !held) {
        // Held from the steady state on: taking in every pile's retained status and its session's start is the
        // start of the system, not the load a gateway's ceiling is about.
        const throttles = gateways.map((g) => throttleProcess(g.pid, gatewayCpu));
        throttleMethod = throttles[0].method;
        held = true;
        note(`each gateway held to ${gatewayCpu} core by ${throttleMethod}`);
        cleanups.push(async () => throttles.forEach((t) => t.release()));
        // Held gateways get time before any window is scored: without it the first windows ran at 44 µs a message
        // against 26–37 later, and failed steps that higher ones then passed.
        await sleep(quotaSettleSeconds * 1000);
      }
      await sleep(warmupMs);
      return measureWindow(count, windowSeconds);
    };

    /** One window at the current load; `during` runs alongside it (the overload step stops sessions meanwhile). */
    const measureWindow = async (count: number, windowSeconds: number, during?: () => Promise<void>): Promise<Measured> => {
      const usage = new UsageMeter({ ...gatewayPids, api: api.pid, fleet: fleet.pid, ...engines.pids }).start();
      const counters = await gatewayCounters(gatewaySum);
      const latenessBefore = await telemetryLateness(gateways);
      const [window] = await Promise.all([probe.measure(windowSeconds, graceMs), during?.()]);
      const resources = usage.stop();
      const after = await gatewayCounters(gatewaySum);
      const latenessAfter = await telemetryLateness(gateways);
      const delta = (key: keyof typeof after) => after[key] - counters[key];
      const handledPerSecond = Math.floor(delta('handled') / (windowSeconds + graceMs / 1000));
      // Every message the gateways took from the broker costs CPU, whatever became of it.
      const cpuSeconds = Object.keys(gatewayPids).reduce((sum, name) => sum + resources[name].cpuSeconds, 0);
      const cpuMicrosPerMessage = Math.round((cpuSeconds * 1e6) / Math.max(1, delta('received')));
      const measured: Measured = {
        piles: count,
        window,
        handledPerSecond,
        cpuMicrosPerMessage,
        shed: delta('shed'),
        received: delta('received'),
        checkpoints: delta('checkpoints'),
        failed: delta('failed'),
        telemetryLateness: {
          ageAtStart: bucketedDistribution(latenessBefore.age, latenessAfter.age),
          waitInGateway: bucketedDistribution(latenessBefore.wait, latenessAfter.wait),
          handling: bucketedDistribution(latenessBefore.handling, latenessAfter.handling),
        },
        resources,
        loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      };
      note(`${count} piles: ${formatDistribution(window.latency)}, gateway ${handledPerSecond} msg/s at ${cpuMicrosPerMessage} µs CPU each, shed ${measured.shed}, lost ${window.lost}/${window.expected}`);
      note(`  telemetry lateness: ${formatLateness(measured.telemetryLateness)}`);
      return measured;
    };

    const first = findCeiling ? Math.min(rampFrom, piles) : piles;
    await chargeExactly(first);
    const probe = await FanOutProbe.attach({ mqttUrl: engines.mqttUrl, apiUrl: api.url, jwtSecret: platform.jwtSecret, followed, plans });
    cleanups.push(() => probe.close());

    // The ceiling is searched upwards, each step from a state that kept up: after an overloaded step the gateway's
    // backlog would spoil every later window. The goal's own run comes last, for the same reason.
    const steps: Measured[] = [];
    const passes = (m: Measured) => withinCeiling(m, ceilingBy);
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
    const overload = overloadFactor > 0 ? await overloadStep() : undefined;
    return report(
      { piles, seconds, follow, watchers: plans.length, checkpointSeconds, gateways: gatewayCount, gatewayCpu: gatewayCpu || 'unlimited', quotaSettleSeconds: gatewayCpu > 0 ? quotaSettleSeconds : 'none', throttleMethod, ceilingBy, engines: engines.describe() },
      baseline,
      baselineResources,
      main,
      steps,
      overload,
    );

    /**
     * Overload: at `charging` piles, each gateway is let run only 1/F of the CPU the main window's cost per message
     * says the load needs, for a window in which a tenth of the sessions stop. Then the throttle is lifted and a
     * last window shows the recovery.
     */
    async function overloadStep(): Promise<Overload> {
      const coresNeeded = (charging * main.cpuMicrosPerMessage) / 1e6 / gatewayCount;
      const share = Math.min(0.9, coresNeeded / overloadFactor);
      note(`overload: ${charging} piles need ${coresNeeded.toFixed(2)} core per gateway; each gets ${share.toFixed(2)} (1/${overloadFactor}) for ${stepSeconds} s`);
      const stopping = sessions.slice(Math.floor(charging * 0.9), charging);
      const eventsBefore = await gatewaySum('evcp_gateway_messages_total', { kind: 'event', outcome: 'handled' });
      // A window counts a checkpoint once Temporal took its signal, so signals still queued at its end count in no
      // window; over the whole stretch from here to the recovery window's end they must all have arrived.
      const checkpointsBefore = await gatewaySum('evcp_gateway_signals_total', { signal: 'meterCheckpoint' });
      const stretchStarted = Date.now();
      const throttles = gateways.map((g) => throttleProcess(g.pid, share));
      throttleMethod = throttles[0].method;
      note(`gateways held by ${throttleMethod}`);
      let overloadedSeen = 0;
      const watch = setInterval(() => void gatewaySum('evcp_gateway_overloaded').then((n) => (overloadedSeen = Math.max(overloadedSeen, n))), 1000);
      let window: Measured;
      try {
        window = await measureWindow(charging, stepSeconds, () => sleep((stepSeconds * 1000) / 3).then(() => desk.stop(stopping)));
      } finally {
        throttles.forEach((t) => t.release());
        clearInterval(watch);
      }
      const recoveryStarted = Date.now();
      await until(async () => (await gatewaySum('evcp_gateway_overloaded')) === 0, 120_000, 'the gateways no longer overloaded');
      const recoveredInMs = Date.now() - recoveryStarted;
      charging -= stopping.length;
      await until(async () => (await fleet.charging()) === charging, 120_000, `${charging} piles charging after the stops`);
      await settled(() => gatewaySum('evcp_gateway_messages_total', { kind: 'event', outcome: 'handled' }), async (n) => n - eventsBefore >= stopping.length, warmupMs);
      const stopEvents = (await gatewaySum('evcp_gateway_messages_total', { kind: 'event', outcome: 'handled' })) - eventsBefore;
      note(`overload over: not overloaded ${recoveredInMs} ms after the throttle was lifted; ${stopEvents} session events handled for ${stopping.length} stops`);
      const recovery = await measureWindow(charging, stepSeconds);
      const stretchSeconds = (Date.now() - stretchStarted) / 1000;
      const stoppedAfterSeconds = stepSeconds / 3;
      const checkpointsDue = Math.floor(((charging + stopping.length) * stoppedAfterSeconds + charging * (stretchSeconds - stoppedAfterSeconds)) / checkpointSeconds);
      const checkpointsAcross = { seconds: Math.round(stretchSeconds), counted: (await gatewaySum('evcp_gateway_signals_total', { signal: 'meterCheckpoint' })) - checkpointsBefore, due: checkpointsDue };
      note(`checkpoints from the overload's start to the recovery window's end (${checkpointsAcross.seconds} s): ${checkpointsAcross.counted} signalled, about ${checkpointsDue} slots due`);
      return { factor: overloadFactor, share, window, overloadedSeen, stopsSent: stopping.length, stopEvents, recoveredInMs, recovery, checkpointsAcross };
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => note(`cleanup: ${error}`));
  }
}

type CeilingBy = 'p99' | 'throughput';

/**
 * Whether a window is below the ceiling: the latency goal met with nothing lost, or (throughput) at least 99 % of the
 * samples sent handled, at most 1 % of the messages taken in shed, and none failed. The shed bound matters: a gateway
 * catching up on an earlier backlog handles more than is sent while it sheds.
 */
function withinCeiling(m: Measured, by: CeilingBy): boolean {
  if (by === 'throughput') return m.handledPerSecond >= 0.99 * m.piles && m.shed <= 0.01 * m.received && m.failed === 0;
  return m.window.latency.p99 <= P99_GOAL_MS && m.window.lost === 0;
}

interface Measured {
  piles: number;
  window: FanOutWindow;
  handledPerSecond: number;
  /** The gateways' CPU time over the window divided by the messages they took in it. */
  cpuMicrosPerMessage: number;
  shed: number;
  /** Pile messages the gateways took off the broker in the window, handled or shed. */
  received: number;
  checkpoints: number;
  failed: number;
  /**
   * Where the gateways' telemetry samples spent their time (from the gateways' histograms, so each figure is the
   * bucket bound it lies under): pile timestamp → handling starts, of which taken off the connection → handling
   * starts, then the handling itself. Age minus wait is the time in the broker and the socket.
   */
  telemetryLateness: { ageAtStart: BucketedDistribution; waitInGateway: BucketedDistribution; handling: BucketedDistribution };
  resources: ReturnType<UsageMeter['stop']>;
  loadAverage: number[];
}

interface Overload {
  factor: number;
  share: number;
  window: Measured;
  /** Gateways that reported `evcp_gateway_overloaded` 1 at some scrape during the window. */
  overloadedSeen: number;
  stopsSent: number;
  /** Session events (the stops' `sessionStopped`, possibly others) the gateways handled from the stops on. */
  stopEvents: number;
  recoveredInMs: number;
  recovery: Measured;
  /** Checkpoint signals from the overload window's start to the recovery window's end, and the slots due in that time (every charging session one per interval; the stopped ones until a third into the window). */
  checkpointsAcross: { seconds: number; counted: number; due: number };
}

/** The gateways' telemetry histograms, summed over the gateways. */
async function telemetryLateness(gateways: PlatformProcess[]) {
  const sum = async (name: string) => {
    const all = await Promise.all(gateways.map((g) => readHistogram(g.metricsUrl, name, { kind: 'telemetry' })));
    const total = new Map<number, number>();
    for (const buckets of all) for (const [bound, n] of buckets) total.set(bound, (total.get(bound) ?? 0) + n);
    return total;
  };
  const [age, wait, handling] = await Promise.all([sum('evcp_gateway_message_age_seconds'), sum('evcp_gateway_wait_seconds'), sum('evcp_gateway_handle_seconds')]);
  return { age, wait, handling };
}

function formatLateness(l: Measured['telemetryLateness']): string {
  return `age at handling ${formatBucketed(l.ageAtStart)}; of it waiting in the gateway ${formatBucketed(l.waitInGateway)}; handling ${formatBucketed(l.handling)}`;
}

async function sumOver(processes: PlatformProcess[], name: string, labels: Record<string, string>): Promise<number> {
  const values = await Promise.all(processes.map((p) => readCounter(p.metricsUrl, name, labels)));
  return values.reduce((a, b) => a + b, 0);
}

function sessionsOf(stations: BenchStation[], phase: string, count: number): DeskSession[] {
  return stations
    .flatMap((s) => s.piles.map((p) => ({ sessionId: `${phase}-${p.pileId}`, pileId: p.pileId, stationId: s.stationId, userId: 'bench-driver' })))
    .slice(0, count);
}

async function gatewayCounters(sum: (name: string, labels?: Record<string, string>) => Promise<number>) {
  const [handled, failed, taken, shed, checkpoints] = await Promise.all([
    sum('evcp_gateway_messages_total', { kind: 'telemetry', outcome: 'handled' }),
    sum('evcp_gateway_messages_total', { kind: 'telemetry', outcome: 'failed' }),
    sum('evcp_gateway_messages_total'),
    sum('evcp_gateway_shed_messages_total'),
    sum('evcp_gateway_signals_total', { signal: 'meterCheckpoint' }),
  ]);
  return { handled, failed, received: taken + shed, shed, checkpoints };
}

/** Waits until a counter reaches what `enough` asks, or stops moving for `quietMs`. */
async function settled(read: () => Promise<number>, enough: (value: number) => Promise<boolean>, quietMs: number): Promise<void> {
  let last = -1;
  for (let value = await read(); value !== last && !(await enough(value)); value = await read()) {
    last = value;
    await sleep(quietMs);
  }
}

function report(
  setup: Record<string, unknown>,
  baseline: Awaited<ReturnType<typeof measureBrokerPath>>,
  baselineResources: Measured['resources'],
  main: Measured,
  steps: Measured[],
  overload: Overload | undefined,
): ScenarioReport {
  const windows = [main, ...steps];
  const failing = windows.filter((m) => !withinCeiling(m, setup.ceilingBy as CeilingBy)).map((m) => m.piles);
  const lowestFailing = failing.length ? Math.min(...failing) : null;
  // A window that passed above one that failed (the main window is measured whatever the steps below it did) is not under the ceiling.
  const passing = windows.filter((m) => withinCeiling(m, setup.ceilingBy as CeilingBy) && (lowestFailing === null || m.piles < lowestFailing)).map((m) => m.piles);
  const ceiling = { highestPassing: passing.length ? Math.max(...passing) : null, lowestFailing };
  return {
    scenario: 'telemetry',
    setup,
    baseline: { deliveredPerSecond: baseline.perSecond, latencyMs: baseline.latency, resources: baselineResources },
    ours: {
      ...main,
      ceiling,
      steps: steps.map((s) => ({ piles: s.piles, latencyMs: s.window.latency, lost: s.window.lost, handledPerSecond: s.handledPerSecond, shed: s.shed, received: s.received, cpuMicrosPerMessage: s.cpuMicrosPerMessage })),
      overload,
    },
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
      `ours (pile → WebSocket): ${setup.gateways} gateway(s) handled ${main.handledPerSecond} msg/s at ${main.cpuMicrosPerMessage} µs CPU per message, WebSocket delivered ${main.window.deliveredPerSecond} msg/s; shed ${main.shed}`,
      `  latency ${formatDistribution(main.window.latency)}; lost ${main.window.lost} of ${main.window.expected}; gateway failures ${main.failed}`,
      `  telemetry lateness: ${formatLateness(main.telemetryLateness)}`,
      `  ${formatUsage(main.resources)}; load average ${main.loadAverage.join(' ')}`,
      ...(overload ? overloadSummary(overload) : []),
      ...steps.map((s) => `ceiling step ${s.piles} piles: ${formatDistribution(s.window.latency)}, gateway ${s.handledPerSecond} msg/s, lost ${s.window.lost}`),
      `ceiling (${setup.ceilingBy === 'throughput' ? 'every sample handled, ≤ 1 % shed' : `p99 ≤ ${P99_GOAL_MS} ms, nothing lost`}): highest passing ${ceiling.highestPassing ?? '-'} piles, lowest failing ${ceiling.lowestFailing ?? '-'} piles`,
    ],
  };
}

function overloadSummary(o: Overload): string[] {
  const line = (m: Measured) =>
    `gateway ${m.handledPerSecond} msg/s handled, shed ${m.shed}, checkpoints ${m.checkpoints}, ${formatDistribution(m.window.latency)}, lost ${m.window.lost} of ${m.window.expected}; telemetry lateness: ${formatLateness(m.telemetryLateness)}; ${formatUsage(m.resources)}`;
  return [
    `overload (each gateway ${o.share.toFixed(2)} core, 1/${o.factor} of what the load needs): ${line(o.window)}; overloaded gauge seen on ${o.overloadedSeen} gateway(s)`,
    `  stops during overload: ${o.stopsSent} sent, ${o.stopEvents} session events handled; not overloaded ${o.recoveredInMs} ms after the throttle was lifted`,
    `  checkpoints from the overload's start to the recovery window's end (${o.checkpointsAcross.seconds} s): ${o.checkpointsAcross.counted} signalled, about ${o.checkpointsAcross.due} slots due`,
    `  recovery window: ${line(o.recovery)}`,
  ];
}
