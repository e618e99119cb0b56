import { chargerShareOfCap } from '../domain/pile-command';
import type { Database } from './database';

/** An OCPP charger of a station, and the pile its commands are addressed to (its lowest connector). */
export interface StationCharger {
  chargerId: string;
  pileId: string;
  pileCode: string;
}

/** A station's stored cap and what each of its chargers gets of it. */
export interface StationCapShare {
  capW: number;
  reason: string;
  chargers: StationCharger[];
  limitW: number;
}

/**
 * The `station_power_caps` table (migration 0017): a station's power cap, stored so it is applied again whenever one
 * of its OCPP chargers boots or one is added; shared equally between the station's chargers in service (a charger
 * of several connectors is one charger).
 */
export class StationPowerCaps {
  constructor(private readonly db: Database) {}

  async set(stationId: string, capW: number, reason: string, by: { id: string; name: string }): Promise<void> {
    await this.db.models.StationPowerCap.upsert({ stationId, capW, reason, setById: by.id, setByName: by.name });
  }

  /** Whether there was a cap to clear. */
  async clear(stationId: string): Promise<boolean> {
    return (await this.db.models.StationPowerCap.destroy({ where: { stationId } })) > 0;
  }

  async capOf(stationId: string): Promise<{ capW: number; reason: string; setBy: { id: string; name: string }; updatedAt: Date } | undefined> {
    const row = await this.db.models.StationPowerCap.findByPk(stationId);
    return row ? { capW: row.capW, reason: row.reason, setBy: { id: row.setById, name: row.setByName }, updatedAt: row.updatedAt } : undefined;
  }

  /** The station's OCPP chargers in service, by chargePointId. */
  async chargersOf(stationId: string): Promise<StationCharger[]> {
    const piles = await this.db.models.Pile.findAll({
      where: { stationId, protocol: 'ocpp1.6', retiredAt: null },
      attributes: ['id', 'code', 'ocppChargerId', 'ocppConnectorId'],
    });
    const first = new Map<string, { connectorId: number; pileId: string; pileCode: string }>();
    for (const pile of piles) {
      const chargerId = pile.ocppChargerId ?? pile.id;
      const connectorId = pile.ocppConnectorId ?? 1;
      const known = first.get(chargerId);
      if (!known || connectorId < known.connectorId) first.set(chargerId, { connectorId, pileId: pile.id, pileCode: pile.code });
    }
    return [...first.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([chargerId, { pileId, pileCode }]) => ({ chargerId, pileId, pileCode }));
  }

  /** The stored cap of the station shared between its chargers; undefined without a cap or without chargers. */
  async shareOf(stationId: string): Promise<StationCapShare | undefined> {
    const cap = await this.capOf(stationId);
    if (!cap) return undefined;
    const chargers = await this.chargersOf(stationId);
    return chargers.length ? { capW: cap.capW, reason: cap.reason, chargers, limitW: chargerShareOfCap(cap.capW, chargers.length) } : undefined;
  }
}
