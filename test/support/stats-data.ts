import { randomUUID } from 'node:crypto';
import { type InferCreationAttributes, QueryTypes } from 'sequelize';
import type { ChargingSession, Order } from '../../db/models';
import type { Database } from '../../db/database';
import { addMeteredSegment, idleCharge, priceEnergyByBand, settleBill } from '../../domain/billing';
import { aTariff } from './builders';
import { aStation } from './driver-data';
import type { HotState } from '../../infra/hot-state';

/** A small deterministic generator (mulberry32): the same seed, the same sessions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedFleet {
  stationIds: string[];
  pileIds: string[];
  /** pile id → station id */
  stationOf: Map<string, string>;
  userIds: string[];
  sessions: number;
}

const MINUTE = 60_000;

/**
 * Settled sessions as settlement leaves them (a COMPLETED session record and its order with the bill), written in
 * bulk: back to back on each pile within each window, lasting 10 minutes to 5 hours (so across tariff bands and
 * local midnights), some with an idle fee, each order settled a few minutes after its pile was freed.
 */
export async function generateSettledSessions(
  stores: { db: Database; hot: HotState },
  options: { windows: { from: Date; to: Date }[]; stations?: number; pilesPerStation?: number; drivers?: number; seed?: number; pilesCreatedAt: Date; driversCreatedFrom: Date },
): Promise<GeneratedFleet> {
  const { db } = stores;
  const random = seededRandom(options.seed ?? 42);
  const tariff = aTariff({ idleFeeFenPerMinute: 50, idleGraceMinutes: 15 });
  const fleet: GeneratedFleet = { stationIds: [], pileIds: [], stationOf: new Map(), userIds: [], sessions: 0 };
  for (let s = 0; s < (options.stations ?? 3); s += 1) {
    const { stationId, pileIds } = await aStation(stores, { piles: Array.from({ length: options.pilesPerStation ?? 3 }, (_, i) => ({ type: i % 2 ? 'slow' : 'fast' })) });
    fleet.stationIds.push(stationId);
    for (const pileId of pileIds) {
      fleet.pileIds.push(pileId);
      fleet.stationOf.set(pileId, stationId);
    }
    await db.sequelize.query('UPDATE piles SET created_at = :at WHERE station_id = :stationId', { replacements: { at: options.pilesCreatedAt, stationId }, type: QueryTypes.UPDATE });
  }
  const users = Array.from({ length: options.drivers ?? 40 }, (_, i) => ({
    id: randomUUID(),
    name: `driver-${i}`,
    role: 'driver' as const,
    createdAt: new Date(options.driversCreatedFrom.getTime() + Math.floor(random() * 40 * 24 * 60) * MINUTE),
  }));
  await db.models.User.bulkCreate(users);
  fleet.userIds = users.map((u) => u.id);

  const sessions: InferCreationAttributes<ChargingSession>[] = [];
  const orders: InferCreationAttributes<Order>[] = [];
  for (const window of options.windows) {
    for (const pileId of fleet.pileIds) {
      let cursor = window.from.getTime() + Math.floor(random() * 120) * MINUTE;
      for (;;) {
        const startedAt = cursor + Math.floor(random() * 180) * MINUTE + Math.floor(random() * 60) * 1000;
        const stoppedAt = startedAt + (10 + Math.floor(random() * 290)) * MINUTE + Math.floor(random() * 60) * 1000;
        const freedAt = stoppedAt + Math.floor(random() * 40) * MINUTE;
        const settledAt = freedAt + (1 + Math.floor(random() * 5)) * MINUTE + Math.floor(random() * 1000);
        if (settledAt >= window.to.getTime()) break;
        cursor = freedAt;
        const powerW = 3_000 + Math.floor(random() * 57_000);
        const energyWh = Math.floor((powerW * (stoppedAt - startedAt)) / 3_600_000);
        const ledger = addMeteredSegment(tariff, {}, { at: startedAt, meterWh: 0 }, { at: stoppedAt, meterWh: energyWh });
        const bill = settleBill(priceEnergyByBand(tariff, ledger), idleCharge(tariff, stoppedAt, freedAt), 20_000);
        const id = randomUUID();
        const userId = fleet.userIds[Math.floor(random() * fleet.userIds.length)];
        const stationId = fleet.stationOf.get(pileId)!;
        sessions.push({
          id,
          userId,
          pileId,
          stationId,
          status: 'COMPLETED',
          reviewState: null,
          paymentMode: 'wallet',
          statusSeq: 9,
          workflowId: `charging-session-${id}`,
          limits: {},
          tariff,
          reservedUntil: null,
          heldFen: 20_000,
          meterStartWh: 0,
          meterStopWh: energyWh,
          energyWh,
          startedAt: new Date(startedAt),
          stoppedAt: new Date(stoppedAt),
          endedAt: new Date(settledAt),
          endReason: 'DRIVER_STOPPED',
          needsReview: false,
          reviewReason: null,
          createdAt: new Date(startedAt),
          updatedAt: new Date(settledAt),
          bill,
        });
        orders.push({
          id: randomUUID(),
          sessionId: id,
          userId,
          stationId,
          pileId,
          energyWh: bill.energyWh,
          totalFen: bill.totalFen,
          capturedFen: bill.capturedFen,
          releasedFen: bill.releasedFen,
          uncollectedFen: bill.uncollectedFen,
          bill,
          createdAt: new Date(settledAt),
        });
      }
    }
  }
  await db.models.ChargingSession.bulkCreate(sessions);
  await db.models.Order.bulkCreate(orders);
  fleet.sessions = orders.length;
  return fleet;
}
