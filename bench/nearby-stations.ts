import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../db/database';
import { RedisHotState } from '../infra/hot-state';
import { hotKeys } from '../infra/hot-state/keys';
import { freePort, startChild } from './lib/child';
import { mapLimited } from './lib/concurrency';
import { startEngines } from './lib/engines';
import type { Flags } from './lib/flags';
import { closedLoopLoad, type LoadResult } from './lib/http-load';
import { Platform } from './lib/platform';
import { note, type ScenarioReport } from './lib/report';
import { benchStations, CITY_CENTRE, seedStations } from './lib/seed';
import { formatDistribution, ratio } from './lib/stats';
import { formatUsage, UsageMeter } from './lib/usage';

const P99_GOAL_MS = 10;
const GOAL_RATIO = 0.5;

/**
 * Scenario 4: GET /api/v1/stations?lat=&lng=&radiusKm= on a city of 1,000 stations and 10,000 piles, under a
 * closed-loop load. Baseline: a bare Koa handler returning the same JSON, under the same load.
 */
export async function nearbyStationsScenario(flags: Flags): Promise<ScenarioReport> {
  const stationCount = flags.number('stations', 1000, 20);
  const pilesPerStation = flags.number('piles-per-station', 10, 2);
  const radiusKm = flags.number('radius-km', 5);
  const load = { connections: flags.number('connections', 16, 4), seconds: flags.number('seconds', 20, 2), warmupSeconds: flags.smoke ? 1 : 3 };
  const engines = await startEngines({ temporal: 'memory' });
  const platform = new Platform(engines);
  const db = createDatabase({ mysqlUrl: engines.mysqlUrl, dataDir: '.' });
  const hot = new RedisHotState(engines.redisUrl);
  const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-bench-')), 'stations.json');
  const cleanups: (() => Promise<void>)[] = [engines.stop, () => db.close(), () => hot.close(), () => platform.stop(), async () => fs.rmSync(path.dirname(bodyFile), { recursive: true })];
  try {
    const stations = benchStations('nearby', stationCount, pilesPerStation);
    await seedStations(db, stations);
    // Every pile reported idle, as the gateway would have written it.
    await mapLimited(stations, 50, (s) => hot.hashSet(hotKeys.stationPiles(s.stationId), Object.fromEntries(s.piles.map((p) => [p.pileId, 'idle']))));
    const api = await platform.start('api');
    const url = `${api.url}/api/v1/stations?lat=${CITY_CENTRE.lat}&lng=${CITY_CENTRE.lng}&radiusKm=${radiusKm}`;
    const answer = await (await fetch(url)).text();
    const found = JSON.parse(answer).stations as { piles: unknown[] }[];
    fs.writeFileSync(bodyFile, answer);

    const port = await freePort();
    const bare = startChild(process.execPath, [path.resolve(__dirname, 'bare-koa-server.js')], { env: { ...process.env, BODY_FILE: bodyFile, PORT: String(port) } });
    cleanups.push(() => bare.stop());
    await bare.waitForLine((line) => line.includes('bare koa listening'), 10_000);
    note(`baseline: bare Koa, ${load.connections} connections, ${load.seconds} s`);
    const baseline = await closedLoopLoad(`http://127.0.0.1:${port}/api/v1/stations`, load);
    await bare.stop();

    note(`ours: GET /api/v1/stations (${found.length} stations within ${radiusKm} km), ${load.seconds} s`);
    const usage = new UsageMeter({ api: api.pid, redis: engines.pids.redis }).start();
    const ours = await closedLoopLoad(url, load);
    const resources = usage.stop();
    const rpsRatio = ratio(ours.requestsPerSecond, baseline.requestsPerSecond);
    return {
      scenario: 'nearby-stations',
      setup: { stations: stationCount, piles: stationCount * pilesPerStation, radiusKm, answered: { stations: found.length, piles: found.reduce((n, s) => n + s.piles.length, 0), bytes: answer.length }, ...load, engines: engines.describe() },
      baseline: { ...baseline },
      ours: { ...ours, resources },
      ratios: { requestsPerSecond: rpsRatio },
      goals: [
        { goal: `p99 ≤ ${P99_GOAL_MS} ms (got ${ours.latency.p99} ms)`, met: ours.latency.p99 <= P99_GOAL_MS },
        { goal: `≥ ${GOAL_RATIO} × the bare handler's requests/s (got ${rpsRatio})`, met: rpsRatio >= GOAL_RATIO },
      ],
      summary: [
        `${stationCount} stations, ${stationCount * pilesPerStation} piles; the query finds ${found.length} stations (${answer.length} bytes)`,
        line('baseline bare Koa', baseline),
        line('ours GET /stations', ours),
        formatUsage(resources),
      ],
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => note(`cleanup: ${error}`));
  }
}

const line = (name: string, r: LoadResult) => `${name}: ${r.requestsPerSecond} req/s, ${formatDistribution(r.latency)}, errors ${r.errors}`;
