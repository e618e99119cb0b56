import mqtt from 'mqtt';
import { PileFleet } from '../simulator';
import { pileTopics } from '../device-protocol/topics';
import type { CommandClaims } from '../device-protocol/commands';
import { serveOperations } from './lib/ipc';

const topics = pileTopics();

/**
 * The simulated piles of a benchmark, in a process of their own so that publishing 10,000 piles' telemetry
 * does not share an event loop with the clients that measure. Driven by the benchmark over IPC.
 */
const mqttUrl = process.env.MQTT_URL!;
const masterKey = process.env.PILE_MASTER_KEY!;
const telemetryIntervalMs = Number(process.env.SIM_TELEMETRY_INTERVAL_MS ?? 1000);
const fleets: PileFleet[] = [];
/** When each session's start command first reached its pile (this machine's clock, comparable with the benchmark's). */
const startCommandArrivals = new Map<string, number>();
const noteStartCommand = (claims: CommandClaims, arrivedAt: number) => {
  if (claims.cmd === 'start' && claims.sessionId !== undefined && !startCommandArrivals.has(claims.sessionId)) startCommandArrivals.set(claims.sessionId, arrivedAt);
};
const FLEETS_CONNECTING_AT_ONCE = 4;

const operations = {
  async connect(stations: { stationId: string; count: number }[]) {
    const started = Date.now();
    const added = stations.map((s) => new PileFleet({ stationId: s.stationId, count: s.count, masterKey, mqttUrl, topics, telemetryIntervalMs, onVerifiedCommand: noteStartCommand }));
    fleets.push(...added);
    for (let i = 0; i < added.length; i += FLEETS_CONNECTING_AT_ONCE) await Promise.all(added.slice(i, i + FLEETS_CONNECTING_AT_ONCE).map((f) => f.connectAll()));
    return { piles: added.reduce((n, f) => n + f.size, 0), ms: Date.now() - started };
  },

  async meters(pileIds: string[]) {
    const byId = new Map(fleets.flatMap((f) => f.pileIds.map((id) => [id, f.pile(id)] as const)));
    return Object.fromEntries(pileIds.map((id) => [id, byId.get(id)?.energyRegisterWh]));
  },

  async startCommandArrivals(sessionIds: string[]) {
    return Object.fromEntries(sessionIds.map((id) => [id, startCommandArrivals.get(id)]));
  },

  async charging() {
    return fleets.reduce((n, f) => n + f.pileIds.filter((id) => f.pile(id).sessionId !== undefined).length, 0);
  },

  /** Disconnects every pile; on a shared broker also clears their retained status, so others' gateways never see them. */
  async stop(clearRetained: boolean) {
    await Promise.all(fleets.map((f) => f.stop()));
    if (clearRetained) {
      const client = await mqtt.connectAsync(mqttUrl, { protocolVersion: 4 });
      await Promise.all(fleets.flatMap((f) => f.pileIds.map((id) => client.publishAsync(topics.uplink(id, 'status'), '', { qos: 1, retain: true }))));
      await client.endAsync();
    }
    fleets.length = 0;
  },
};

serveOperations(operations);

export type FleetOperations = typeof operations;
