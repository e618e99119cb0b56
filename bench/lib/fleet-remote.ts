import path from 'node:path';
import type { FleetOperations } from '../fleet-process';
import { IpcChild } from './ipc';
import type { BenchStation } from './seed';

/** The benchmark's side of the pile-fleet process. */
export class RemoteFleet {
  private constructor(private readonly remote: IpcChild<FleetOperations>) {}

  static async start(options: { mqttUrl: string; masterKey: string; telemetryIntervalMs?: number }): Promise<RemoteFleet> {
    const remote = await IpcChild.start<FleetOperations>('pile fleet', path.resolve(__dirname, '..', 'fleet-process.js'), {
      MQTT_URL: options.mqttUrl,
      PILE_MASTER_KEY: options.masterKey,
      SIM_TELEMETRY_INTERVAL_MS: String(options.telemetryIntervalMs ?? 1000),
    });
    return new RemoteFleet(remote);
  }

  get pid(): number {
    return this.remote.pid;
  }

  connect(stations: BenchStation[]) {
    return this.remote.call('connect', stations.map((s) => ({ stationId: s.stationId, count: s.piles.length })));
  }

  meters(pileIds: string[]) {
    return this.remote.call('meters', pileIds);
  }

  /** When each session's start command first reached its pile (undefined: it never did). */
  startCommandArrivals(sessionIds: string[]) {
    return this.remote.call('startCommandArrivals', sessionIds);
  }

  charging() {
    return this.remote.call('charging');
  }

  async stop(): Promise<void> {
    await this.remote.call('stop', Boolean(process.env.BENCH_MQTT_URL)).catch(() => undefined);
    await this.remote.stop();
  }
}
