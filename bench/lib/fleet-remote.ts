import path from 'node:path';
import type { FleetRequest } from '../fleet-process';
import { type Child, startChild } from './child';
import type { BenchStation } from './seed';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string } | { ready: true };

/** The benchmark's side of the pile-fleet process. */
export class RemoteFleet {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly child: Child) {
    child.process.on('message', (reply: Reply) => {
      if ('ready' in reply) return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.result);
      else waiting?.reject(new Error(`pile fleet: ${reply.error}`));
    });
    void child.exited.then((code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`pile fleet exited (${code}):\n${child.tail()}`));
    });
  }

  static async start(options: { mqttUrl: string; masterKey: string; telemetryIntervalMs?: number }): Promise<RemoteFleet> {
    const child = startChild(process.execPath, [path.resolve(__dirname, '..', 'fleet-process.js')], {
      env: { ...process.env, MQTT_URL: options.mqttUrl, PILE_MASTER_KEY: options.masterKey, SIM_TELEMETRY_INTERVAL_MS: String(options.telemetryIntervalMs ?? 1000) },
      raiseFileLimit: true,
      ipc: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.process.once('message', () => resolve());
      void child.exited.then((code) => reject(new Error(`pile fleet exited (${code}) at start:\n${child.tail()}`)));
    });
    return new RemoteFleet(child);
  }

  get pid(): number {
    return this.child.pid;
  }

  connect(stations: BenchStation[]) {
    return this.call('connect', stations.map((s) => ({ stationId: s.stationId, count: s.piles.length }))) as Promise<{ piles: number; ms: number }>;
  }

  meters(pileIds: string[]) {
    return this.call('meters', pileIds) as Promise<Record<string, number | undefined>>;
  }

  charging() {
    return this.call('charging') as Promise<number>;
  }

  async stop(): Promise<void> {
    await this.call('stop', Boolean(process.env.BENCH_MQTT_URL)).catch(() => undefined);
    this.child.process.disconnect();
    await this.child.stop();
  }

  private call(op: FleetRequest['op'], ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.process.send({ id, op, args } satisfies FleetRequest);
    });
  }
}
