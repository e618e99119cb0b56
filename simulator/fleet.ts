import { derivePileSecret } from '../device-protocol/commands';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { AC_MAX_POWER_W } from './charging-curve';
import { PileTicker, tickPeriodFor } from './pile-ticker';
import { PILE_DEFAULTS, SimulatedPile, type SimulatedPileOptions } from './simulated-pile';

export const FAST_PILE_POWER_W = 120_000;
export const SLOW_PILE_POWER_W = 7_000;
const DEFAULT_CONNECT_CONCURRENCY = 200;

export interface FleetPileSpec {
  pileId: string;
  type: 'fast' | 'slow';
  maxPowerW: number;
}

export interface PileFleetOptions extends Omit<SimulatedPileOptions, 'pileId' | 'pileSecret' | 'mqttPassword' | 'maxPowerW' | 'ticker'> {
  stationId: string;
  count: number;
  /** Each pile's command secret and MQTT password are derived from it, as the platform derives them. */
  masterKey: string;
  /** Every pile's power; without it the fleet alternates fast and slow piles. */
  maxPowerW?: number;
  /** How many piles connect (or disconnect) at once, so thousands of connections don't stampede the broker. */
  connectConcurrency?: number;
}

/** `${stationId}-p01`, `${stationId}-p02`, … `${stationId}-p100`. */
export function simulatedPileId(stationId: string, index: number): string {
  return `${stationId}-p${String(index).padStart(2, '0')}`;
}

/** The piles a fleet simulates, so a seeder can register the same piles on the platform. */
export function fleetPileSpecs(stationId: string, count: number, maxPowerW?: number): FleetPileSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const power = maxPowerW ?? (i % 2 === 0 ? FAST_PILE_POWER_W : SLOW_PILE_POWER_W);
    return { pileId: simulatedPileId(stationId, i + 1), type: power > AC_MAX_POWER_W ? 'fast' : 'slow', maxPowerW: power };
  });
}

/** The simulated piles of one station, driven by one shared ticker. */
export class PileFleet {
  readonly stationId: string;
  private readonly piles = new Map<string, SimulatedPile>();
  private readonly concurrency: number;

  constructor(options: PileFleetOptions) {
    const { stationId, count, masterKey, maxPowerW, connectConcurrency, ...pileOptions } = options;
    this.stationId = stationId;
    this.concurrency = connectConcurrency ?? DEFAULT_CONNECT_CONCURRENCY;
    const ticker = new PileTicker(tickPeriodFor(pileOptions.telemetryIntervalMs ?? PILE_DEFAULTS.telemetryIntervalMs));
    for (const spec of fleetPileSpecs(stationId, count, maxPowerW)) {
      const pileSecret = derivePileSecret(masterKey, spec.pileId);
      const { password: mqttPassword } = mqttCredentials(masterKey, { role: 'pile', pileId: spec.pileId });
      this.piles.set(spec.pileId, new SimulatedPile({ ...pileOptions, pileId: spec.pileId, pileSecret, mqttPassword, maxPowerW: spec.maxPowerW, ticker }));
    }
  }

  get size(): number {
    return this.piles.size;
  }

  get pileIds(): string[] {
    return [...this.piles.keys()];
  }

  pile(pileId: string): SimulatedPile {
    const pile = this.piles.get(pileId);
    if (!pile) throw new Error(`no simulated pile ${pileId} in station ${this.stationId}`);
    return pile;
  }

  /** Connects every pile; if some cannot, the others stay connected and the failures are thrown together. */
  async connectAll(): Promise<void> {
    const failures = await forEachLimited([...this.piles.values()], this.concurrency, (pile) => pile.connect());
    if (failures.length) throw new AggregateError(failures, `${failures.length} of ${this.piles.size} simulated piles could not connect`);
  }

  /** Disconnects every pile cleanly (each says it goes offline); the shared ticker stops with the last one. */
  async stop(): Promise<void> {
    const failures = await forEachLimited([...this.piles.values()], this.concurrency, (pile) => pile.disconnect());
    if (failures.length) throw new AggregateError(failures, `${failures.length} of ${this.piles.size} simulated piles did not disconnect cleanly`);
  }
}

/** Runs `work` on every item with at most `limit` in flight; returns the errors instead of stopping at the first. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures;
}
