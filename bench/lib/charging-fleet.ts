import { createDatabase, type Database } from '../../db/database';
import { type Engines, startEngines, type TemporalPersistence } from './engines';
import { RemoteFleet } from './fleet-remote';
import { Platform, type PlatformProcess } from './platform';
import { note } from './report';
import { benchStations, type BenchStation, seedStations } from './seed';
import { prepareDrivers, startSessions, type StartRun, StatusWatch } from './session-traffic';
import { formatDistribution } from './stats';
import { type ProcessUsage, UsageMeter } from './usage';

/** A whole platform (gateway, API, worker as separate processes) with `count` sessions charging on simulated piles. */
export interface ChargingPlatform {
  engines: Engines;
  platform: Platform;
  db: Database;
  fleet: RemoteFleet;
  watch: StatusWatch;
  stations: BenchStation[];
  processes: { gateway: PlatformProcess; api: PlatformProcess; worker: PlatformProcess };
  /** Workers started beside `processes.worker` when `workers` > 1. */
  extraWorkers: PlatformProcess[];
  /** Pile energy registers before the sessions started: each session's true meter start. */
  metersAtStart: Record<string, number | undefined>;
  started: StartRun;
  /** CPU and memory of every process while the sessions started. */
  startResources: Record<string, ProcessUsage>;
  stop(): Promise<void>;
}

export interface ChargingOptions {
  name: string;
  sessions: number;
  concurrency: number;
  /** Sessions started at this steady rate instead, whatever the platform does (`concurrency` is then unused). */
  perSecond?: number;
  env?: Record<string, string>;
  /** Worker processes polling the task queue from the start (default 1). */
  workers?: number;
  temporal?: TemporalPersistence;
  /** Runs on the fresh engines before any platform process starts (a baseline that must have the machine to itself). */
  before?: (engines: Engines) => Promise<void>;
}

export async function startChargingPlatform(options: ChargingOptions): Promise<ChargingPlatform> {
  const engines = await startEngines({ temporal: options.temporal ?? 'memory' });
  const platform = new Platform(engines, options.env);
  const db = createDatabase({ mysqlUrl: engines.mysqlUrl, dataDir: '.' });
  const cleanups: (() => Promise<void>)[] = [engines.stop, () => db.close(), () => platform.stop()];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => note(`cleanup: ${error}`));
  };
  try {
    const stations = benchStations(options.name, Math.ceil(options.sessions / 100), Math.min(100, options.sessions));
    await seedStations(db, stations);
    await options.before?.(engines);
    const processes = { gateway: await platform.start('gateway'), api: await platform.start('api'), worker: await platform.start('worker') };
    const extraWorkers: PlatformProcess[] = [];
    for (let i = 1; i < (options.workers ?? 1); i++) extraWorkers.push(await platform.start('worker'));
    const fleet = await RemoteFleet.start({ mqttUrl: engines.mqttUrl, masterKey: platform.pileMasterKey });
    cleanups.push(() => fleet.stop());
    await fleet.connect(stations);
    const watch = await StatusWatch.open(engines.redisUrl);
    cleanups.push(() => watch.close());
    const pileIds = stations.flatMap((s) => s.piles.map((p) => p.pileId)).slice(0, options.sessions);
    const drivers = await prepareDrivers(processes.api.url, pileIds, 20_000);
    const metersAtStart = await fleet.meters(pileIds);
    note(`starting ${options.sessions} sessions through the API`);
    const usage = new UsageMeter({ gateway: processes.gateway.pid, api: processes.api.pid, worker: processes.worker.pid, ...workerPids(extraWorkers, 2), ...engines.pids }).start();
    const started = await startSessions(processes.api.url, drivers, watch, options.perSecond ? { perSecond: options.perSecond } : { concurrency: options.concurrency });
    const startResources = usage.stop();
    note(`${options.sessions} charging: ${started.perSecond} starts/s, ${formatDistribution(started.latency)}`);
    return { engines, platform, db, fleet, watch, stations, processes, extraWorkers, metersAtStart, started, startResources, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Usage-meter names of workers: `worker2`, `worker3`, … from `firstNumber`. */
export function workerPids(workers: PlatformProcess[], firstNumber: number): Record<string, number> {
  return Object.fromEntries(workers.map((w, i) => [`worker${firstNumber + i}`, w.pid]));
}
