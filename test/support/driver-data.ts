import { randomUUID } from 'node:crypto';
import { ChargingSession, Pile, SessionEvent, Station, TariffRecord } from '../../db/models';
import { priceEnergyByBand, settleBill } from '../../domain/billing';
import type { PileDisplayStatus } from '../../domain/pile-status';
import type { SessionStatus } from '../../domain/session-state';
import { bandKey } from '../../domain/tariff';
import type { HotState } from '../../infra/hot-state';
import { hotKeys } from '../../infra/hot-state/keys';
import { aTariff } from './builders';
import { uniqueId } from './services';

/** A station at a position with piles of the given types (and, when given, their live status in the hot store). */
export async function aStation(
  options: { lat?: number; lng?: number; name?: string; piles?: { type: 'fast' | 'slow'; status?: PileDisplayStatus }[] } = {},
  hot?: HotState,
): Promise<{ stationId: string; pileIds: string[]; pileCodes: string[] }> {
  const tariff = aTariff();
  await TariffRecord.findOrCreate({ where: { id: tariff.id }, defaults: { id: tariff.id, definition: tariff } });
  const stationId = uniqueId('station');
  await Station.create({
    id: stationId,
    name: options.name ?? `Station ${stationId}`,
    address: '1 Test Road',
    lat: options.lat ?? 31.2,
    lng: options.lng ?? 121.5,
    openingHours: '00:00-24:00',
    tariffId: tariff.id,
  });
  const piles = options.piles ?? [{ type: 'fast' }];
  const pileIds = piles.map((_, i) => `${stationId}-p0${i + 1}`);
  for (const [i, pile] of piles.entries()) {
    await Pile.create({ id: pileIds[i], code: pileIds[i], stationId, type: pile.type, maxPowerW: pile.type === 'fast' ? 60_000 : 7_000, connectorType: 'GB/T' });
    if (hot && pile.status) await hot.hashSet(hotKeys.stationPiles(stationId), { [pileIds[i]]: pile.status });
  }
  return { stationId, pileIds, pileCodes: pileIds };
}

/** A session record as the workflow leaves it; a billed status gets a bill of `energyWh` in the peak band. */
export async function aSession(
  who: { userId: string; stationId: string; pileId: string },
  options: { status?: SessionStatus; energyWh?: number; createdAt?: Date } = {},
): Promise<ChargingSession> {
  const tariff = aTariff();
  const status = options.status ?? 'COMPLETED';
  const energyWh = options.energyWh ?? 12_000;
  const billed = status === 'COMPLETED' || status === 'SETTLEMENT_FAILED';
  const bill = billed ? settleBill(priceEnergyByBand(tariff, { [bandKey(tariff.bands[1])]: energyWh }), { minutes: 0, feeFen: 0 }, 5000) : null;
  const createdAt = options.createdAt ?? new Date();
  const id = randomUUID();
  const session = await ChargingSession.create({
    id,
    ...who,
    status,
    statusSeq: 2,
    workflowId: `charging-session-${id}`,
    limits: {},
    tariff,
    reservedUntil: status === 'RESERVED' ? new Date(createdAt.getTime() + 15 * 60_000) : null,
    heldFen: billed ? 5000 : null,
    meterStartWh: billed ? 100_000 : null,
    meterStopWh: billed ? 100_000 + energyWh : null,
    energyWh: billed ? energyWh : null,
    startedAt: billed ? createdAt : null,
    stoppedAt: billed ? new Date(createdAt.getTime() + 30 * 60_000) : null,
    endedAt: billed ? new Date(createdAt.getTime() + 31 * 60_000) : null,
    endReason: billed ? 'DRIVER_STOPPED' : null,
    reviewReason: null,
    bill,
    createdAt,
  });
  await SessionEvent.bulkCreate([
    { sessionId: id, seq: 1, fromStatus: null, toStatus: 'AUTHORIZING', reason: 'requested', detail: null, at: createdAt },
    { sessionId: id, seq: 2, fromStatus: 'AUTHORIZING', toStatus: status, reason: null, detail: null, at: new Date(createdAt.getTime() + 31 * 60_000) },
  ]);
  return session;
}
