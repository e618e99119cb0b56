import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../db/database';
import type { LiveMessage } from '../live/live-state';
import type { ChargerOperations } from './ocpp-chargers';
import { freePort, startChild } from './lib/child';
import { sleep } from './lib/concurrency';
import { startEngines } from './lib/engines';
import type { Flags } from './lib/flags';
import { IpcChild } from './lib/ipc';
import { LiveWatchers } from './lib/live-watchers';
import { Platform, readCounter, readMetrics } from './lib/platform';
import { note, type ScenarioReport } from './lib/report';
import { benchStations, seedStations } from './lib/seed';
import { prepareDrivers, startSessions, StatusWatch } from './lib/session-traffic';
import { type Distribution, distribution, formatDistribution, ratio } from './lib/stats';
import { formatUsage, type ProcessUsage, UsageMeter } from './lib/usage';

/** The goal the MQTT telemetry fan-out has (scenario 1): a driver sees a sample within 100 ms at p99. */
const P99_GOAL_MS = 100;
const PILES_PER_STATION = 100;

type Window = Awaited<ReturnType<ChargerOperations['measured']>>;

interface Phase {
  connect: { connected: number; failed: number; firstFailure?: string; ms: number };
  window: Window;
  resources: Record<string, ProcessUsage>;
  /** 1-, 5- and 15-minute load averages of the machine at the end of the window (it is shared). */
  loadAverage: number[];
}

/**
 * Scenario 7 (issue 15): N simulated OCPP 1.6J chargers (ocpp-rpc clients, strict mode, each with its derived
 * password, in a process of their own) connect to the central system running as its own process
 * (dist/ocpp/main.js), boot and heartbeat; C of them charge a session a driver started through the API, sending
 * MeterValues every `interval` s, and each of those drivers follows the session on the API's WebSocket. Measured:
 * the central system's CPU and RSS alone, heartbeat answer time, and MeterValues frame → the driver's live progress.
 * Baseline, same run: the same chargers against ocpp-rpc's bare server answering every call at once.
 */
export async function ocppScenario(flags: Flags): Promise<ScenarioReport> {
  const chargerCount = flags.number('chargers', 2000, 20);
  const chargingCount = Math.min(chargerCount, flags.number('charging', 500, 5));
  const intervalS = flags.number('interval', 10, 1);
  const heartbeatS = flags.number('heartbeat', 30, 2);
  const seconds = flags.number('seconds', 60, 4);
  const concurrency = flags.number('concurrency', 50, 5);
  const withBaseline = flags.string('baseline', 'true') !== 'false';
  const warmupMs = flags.smoke ? 500 : 5000;
  const graceMs = flags.smoke ? 2000 : 5000;

  const engines = await startEngines({ temporal: 'memory' });
  const platform = new Platform(engines, { OCPP_HEARTBEAT_INTERVAL_SECONDS: String(heartbeatS) });
  const db = createDatabase({ mysqlUrl: engines.mysqlUrl, dataDir: '.' });
  const cleanups: (() => Promise<void>)[] = [engines.stop, () => db.close(), () => platform.stop()];
  try {
    const stations = benchStations('ocpp', Math.ceil(chargerCount / PILES_PER_STATION), Math.min(PILES_PER_STATION, chargerCount));
    await seedStations(db, stations, 'ocpp1.6');
    const piles = stations.flatMap((s) => s.piles).slice(0, chargerCount);
    const chargers = await IpcChild.start<ChargerOperations>('OCPP chargers', path.resolve(__dirname, 'ocpp-chargers.js'), { PILE_MASTER_KEY: platform.pileMasterKey });
    cleanups.push(() => chargers.stop());
    const connect = async (url: string) => {
      const connected = await chargers.call('connect', url, piles, concurrency, intervalS);
      note(`${connected.connected} chargers connected and booted in ${connected.ms} ms${connected.failed ? `; ${connected.failed} failed, first: ${connected.firstFailure}` : ''}`);
      return connected;
    };
    const measure = async (pids: Record<string, number>): Promise<Omit<Phase, 'connect'>> => {
      await sleep(warmupMs);
      const usage = new UsageMeter(pids).start();
      await chargers.call('measure');
      await sleep(seconds * 1000);
      const window = await chargers.call('measured');
      return { window, resources: usage.stop(), loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) };
    };

    let baseline: Phase | undefined;
    if (withBaseline) {
      note(`baseline: ${chargerCount} chargers → ocpp-rpc's bare server, ${chargingCount} metering every ${intervalS} s, ${seconds} s`);
      const port = await freePort();
      const bare = startChild(process.execPath, [path.resolve(__dirname, 'bare-ocpp-server.js')], {
        env: { ...process.env, OCPP_PORT: String(port), OCPP_HEARTBEAT_INTERVAL_SECONDS: String(heartbeatS) },
        raiseFileLimit: true,
      });
      try {
        await bare.waitForLine((line) => line.includes('bare OCPP server listening'), 10_000);
        const connected = await connect(`ws://127.0.0.1:${port}`);
        await chargers.call('meterWithoutSession', piles.slice(0, chargingCount).map((p) => p.pileId));
        baseline = { connect: connected, ...(await measure({ server: bare.pid })) };
        await chargers.call('disconnect');
      } finally {
        await bare.stop();
      }
    }

    note(`system: ${chargerCount} chargers → central system process; ${chargingCount} sessions started through the API`);
    const ocppPort = await freePort();
    const ocpp = await platform.start('ocpp', { OCPP_PORT: String(ocppPort) });
    const api = await platform.start('api');
    const worker = await platform.start('worker');
    const connected = await connect(`ws://127.0.0.1:${ocppPort}`);

    const watch = await StatusWatch.open(engines.redisUrl);
    cleanups.push(() => watch.close());
    const drivers = await prepareDrivers(
      api.url,
      piles.slice(0, chargingCount).map((p) => p.pileId),
      20_000,
    );
    const started = await startSessions(api.url, drivers, watch, { concurrency });
    note(`${chargingCount} sessions charging: ${started.perSecond} starts/s, ${formatDistribution(started.latency)}`);

    // Each driver follows their own session, as the mini-program does; a progress names its sample's pile time.
    const pileOfSession = new Map(started.sessions.map((s) => [s.sessionId, s.pileId]));
    const delivered = new Map<string, number>();
    const watchers = await LiveWatchers.connect(
      api.url,
      platform.jwtSecret,
      started.sessions.map((s) => ({ userId: s.userId, sessions: [s.sessionId], stations: [] })),
      (message: LiveMessage, receivedAt: number) => {
        if (message.type !== 'session.progress') return;
        const sampledAt = Date.parse(message.at);
        delivered.set(`${pileOfSession.get(message.sessionId)}|${sampledAt}`, receivedAt - sampledAt);
      },
    );
    cleanups.push(async () => watchers.close());

    const failedBefore = await readCounter(ocpp.metricsUrl, 'evcp_gateway_messages_total', { outcome: 'failed' });
    const lagNames = ['nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds'];
    await readMetrics(ocpp.metricsUrl, lagNames); // each scrape starts prom-client's lag histogram again
    const ours = { connect: connected, ...(await measure({ ocpp: ocpp.pid, api: api.pid, worker: worker.pid, redis: engines.pids.redis, temporal: engines.pids.temporal })) };
    const lag = await readMetrics(ocpp.metricsUrl, lagNames);
    const eventLoopLag = { p99Ms: Math.round(lag.nodejs_eventloop_lag_p99_seconds * 1000), maxMs: Math.round(lag.nodejs_eventloop_lag_max_seconds * 1000) };
    await sleep(graceMs);
    const failed = (await readCounter(ocpp.metricsUrl, 'evcp_gateway_messages_total', { outcome: 'failed' })) - failedBefore;
    const progress = distribution(ours.window.sent.filter((key) => delivered.has(key)).map((key) => delivered.get(key)!));
    const lost = ours.window.sent.length - progress.count;
    return report({ chargerCount, chargingCount, intervalS, heartbeatS, seconds, concurrency, engines: engines.describe() }, baseline, ours, { progress, lost, failed, starts: started, eventLoopLag });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => note(`cleanup: ${error}`));
  }
}

function report(
  setup: Record<string, unknown> & { chargerCount: number },
  baseline: Phase | undefined,
  ours: Phase,
  live: { progress: Distribution; lost: number; failed: number; starts: Awaited<ReturnType<typeof startSessions>>; eventLoopLag: { p99Ms: number; maxMs: number } },
): ScenarioReport {
  const figures = (phase: Phase) => ({
    connected: phase.connect.connected,
    connectMs: phase.connect.ms,
    heartbeatMs: distribution(phase.window.heartbeats),
    meterValuesAnswerMs: distribution(phase.window.meterAnswers),
    failedCalls: phase.window.failedCalls,
    resources: phase.resources,
    loadAverage: phase.loadAverage,
  });
  const ourFigures = figures(ours);
  const baseFigures = baseline && figures(baseline);
  const describe = (name: string, f: ReturnType<typeof figures>) => [
    `${name}: ${f.connected} of ${setup.chargerCount} chargers connected and booted in ${f.connectMs} ms; ${f.failedCalls} calls failed in the window`,
    `  heartbeat answer ${formatDistribution(f.heartbeatMs)}; MeterValues answer ${formatDistribution(f.meterValuesAnswerMs)}`,
    `  ${formatUsage(f.resources)}`,
    `  load average ${f.loadAverage.join(' / ')}`,
  ];
  return {
    scenario: 'ocpp',
    setup,
    baseline: baseFigures ?? { skipped: '--baseline false' },
    ours: { ...ourFigures, progressMs: live.progress, expected: live.progress.count + live.lost, lost: live.lost, gatewayFailures: live.failed, eventLoopLagMs: live.eventLoopLag, starts: { perSecond: live.starts.perSecond, latencyMs: live.starts.latency } },
    ratios: baseFigures
      ? {
          heartbeatP99VsBaseline: ratio(ourFigures.heartbeatMs.p99, baseFigures.heartbeatMs.p99),
          // A baseline too idle to register a percent would make an infinite ratio; the absolute figures stand anyway.
          ...(baseFigures.resources.server.cpuPercent > 0 ? { cpuVsBaseline: ratio(ourFigures.resources.ocpp.cpuPercent, baseFigures.resources.server.cpuPercent) } : {}),
          rssVsBaseline: ratio(ourFigures.resources.ocpp.rssMaxMiB, baseFigures.resources.server.rssMaxMiB),
        }
      : {},
    goals: [
      { goal: `every charger connected (${ourFigures.connected} of ${setup.chargerCount})`, met: ourFigures.connected === setup.chargerCount },
      { goal: `MeterValues → driver's live progress p99 ≤ ${P99_GOAL_MS} ms (got ${live.progress.p99} ms)`, met: live.progress.p99 <= P99_GOAL_MS },
      { goal: `no sample lost (lost ${live.lost} of ${live.progress.count + live.lost})`, met: live.lost === 0 },
    ],
    summary: [
      ...(baseFigures ? describe('baseline (bare ocpp-rpc server)', baseFigures) : ['baseline skipped']),
      ...describe('ours (central system process)', ourFigures),
      `  MeterValues frame sent → driver's WebSocket progress: ${formatDistribution(live.progress)}; lost ${live.lost}; gateway failures ${live.failed}`,
      `  central system event-loop lag over the window: p99 ${live.eventLoopLag.p99Ms} ms, max ${live.eventLoopLag.maxMs} ms`,
      `  session starts through the API: ${live.starts.perSecond}/s, ${formatDistribution(live.starts.latency)}`,
    ],
  };
}
