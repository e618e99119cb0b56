import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';
import { FleetCatalogue } from '../../db/fleet-catalogue';
import type { ChargingSession } from '../../db/models';
import { SessionRecords } from '../../db/session-records';
import { SequelizeSessionStore } from '../../db/session-store';
import { priceEnergyByBand, settleBill } from '../../domain/billing';
import type { PileDisplayStatus } from '../../domain/pile-status';
import type { SessionStatus } from '../../domain/session-state';
import { bandKey } from '../../domain/tariff';
import type { HotState } from '../../infra/hot-state';
import { hotKeys } from '../../infra/hot-state/keys';
import { aTariff } from './builders';
import { uniqueId } from './services';

/** Where the builders write: the test's database and hot store. */
export interface TestStores {
  db: Database;
  hot: HotState;
}

/** A station at a position with piles of the given types (and, when given, their live status in the hot store). */
export async function aStation(
  stores: TestStores,
  options: { lat?: number; lng?: number; name?: string; piles?: { type: 'fast' | 'slow'; status?: PileDisplayStatus }[] } = {},
): Promise<{ stationId: string; pileIds: string[]; pileCodes: string[] }> {
  const catalogue = new FleetCatalogue(stores.db);
  const tariff = aTariff();
  await catalogue.addTariff(tariff);
  const stationId = uniqueId('station');
  await catalogue.addStations([
    {
      id: stationId,
      name: options.name ?? `Station ${stationId}`,
      address: '1 Test Road',
      lat: options.lat ?? 31.2,
      lng: options.lng ?? 121.5,
      openingHours: '00:00-24:00',
      tariffId: tariff.id,
    },
  ]);
  const piles = options.piles ?? [{ type: 'fast' }];
  const pileIds = piles.map((_, i) => `${stationId}-p0${i + 1}`);
  await catalogue.addPiles(piles.map((pile, i) => ({ id: pileIds[i], code: pileIds[i], stationId, type: pile.type, maxPowerW: pile.type === 'fast' ? 60_000 : 7_000, connectorType: 'GB/T' })));
  for (const [i, pile] of piles.entries()) {
    if (pile.status) await stores.hot.hashSet(hotKeys.stationPiles(stationId), { [pileIds[i]]: pile.status });
  }
  return { stationId, pileIds, pileCodes: pileIds };
}

/**
 * A session record as the workflow leaves it, written through the session store: opened at `createdAt`, then one
 * transition to `status` (a billed status gets a bill of `energyWh` in the peak band). The pile is left free.
 */
export async function aSession(
  stores: TestStores,
  who: { userId: string; stationId: string; pileId: string },
  options: { status?: SessionStatus; energyWh?: number; createdAt?: Date } = {},
): Promise<ChargingSession> {
  const store = new SequelizeSessionStore(stores.db);
  const tariff = aTariff();
  const status = options.status ?? 'COMPLETED';
  const energyWh = options.energyWh ?? 12_000;
  const billed = status === 'COMPLETED' || status === 'SETTLEMENT_FAILED';
  const bill = billed ? settleBill(priceEnergyByBand(tariff, { [bandKey(tariff.bands[1])]: energyWh }), { minutes: 0, feeFen: 0 }, 5000) : undefined;
  const createdAt = (options.createdAt ?? new Date()).getTime();
  const sessionId = randomUUID();
  const identity = { sessionId, ...who };
  const reservedUntil = status === 'RESERVED' ? createdAt + 15 * 60_000 : undefined;
  const opened = status === 'RESERVED' ? 'RESERVED' : 'AUTHORIZING';
  await store.open({ ...identity, workflowId: `charging-session-${sessionId}`, status: opened, limits: {}, tariff, reservedUntil, at: createdAt });
  if (status !== opened) {
    await store.recordTransition({
      ...identity,
      seq: 2,
      from: opened,
      to: status,
      at: createdAt + 31 * 60_000,
      record: {
        status,
        energyWh: billed ? energyWh : 0,
        ...(billed
          ? { heldFen: 5000, meterStartWh: 100_000, meterStopWh: 100_000 + energyWh, startedAt: createdAt, stoppedAt: createdAt + 30 * 60_000, endReason: 'DRIVER_STOPPED', bill }
          : {}),
        needsReview: false,
      },
    });
  }
  await store.releasePile(who.pileId, sessionId);
  return (await new SessionRecords(stores.db).byId(sessionId))!;
}
