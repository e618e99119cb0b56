import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { DomainError } from '../domain/errors';
import { type TariffDefinition, type TariffVersion, tariffInForce } from '../domain/tariff-versions';
import type { Database } from './database';
import type { Pile, PileProtocol, PileType, Station, TariffVersionRecord } from './models';

/** Who wrote a tariff version (a staff member), kept beside it. */
export interface Author {
  id: string;
  name: string;
}

export interface StationFields {
  name: string;
  address: string;
  lat: number;
  lng: number;
  openingHours: string;
  tariffId: string;
}

export interface PileFields {
  code: string;
  type: PileType;
  maxPowerW: number;
  connectorType: string;
  connectorCount: number;
  /** Set at creation only: which front door the pile comes through (default `mqtt`). */
  protocol?: PileProtocol;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function pileResource(p: Pile) {
  return {
    id: p.id,
    code: p.code,
    stationId: p.stationId,
    type: p.type,
    maxPowerW: p.maxPowerW,
    connectorType: p.connectorType,
    connectorCount: p.connectorCount,
    protocol: p.protocol,
    ...(p.protocol === 'ocpp1.6' ? { ocpp: { chargePointId: p.ocppChargerId ?? p.id, connectorId: p.ocppConnectorId ?? 1 } } : {}),
    retiredAt: iso(p.retiredAt ?? null),
  };
}
export type PileResource = ReturnType<typeof pileResource>;

export function stationResource(s: Station, pileCount: number) {
  return { id: s.id, name: s.name, address: s.address, lat: s.lat, lng: s.lng, openingHours: s.openingHours, tariffId: s.tariffId, retiredAt: iso(s.retiredAt ?? null), pileCount };
}
export type StationResource = ReturnType<typeof stationResource>;

function versionResource(v: TariffVersionRecord) {
  return {
    version: v.version,
    effectiveFrom: v.effectiveFrom.toISOString(),
    definition: v.definition,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdById ? { id: v.createdById, name: v.createdByName ?? '' } : null,
  };
}

/** The pile codes of a charger's connectors: its chargePointId for a single connector, `{chargePointId}-{n}` for several. */
export function connectorCodes(chargePointId: string, connectors: number): string[] {
  if (connectors === 1) return [chargePointId];
  const codes = Array.from({ length: connectors }, (_, i) => `${chargePointId}-${i + 1}`);
  if (codes.some((code) => code.length > 64)) throw new DomainError('VALIDATION_FAILED', 'code: at most 62 characters for a charger of several connectors (its connectors are code-1, code-2 …)', { field: 'code' });
  return codes;
}

/** How many stations one listing shows at most. */
const STATION_LIST_LIMIT = 500;

/** Escapes LIKE's wildcards, so a search for "50%" finds "50%". */
const likeText = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Staff's reads and writes of the catalogue: tariffs and their versions, stations, piles. Nothing is ever deleted:
 * stations and piles are retired (their sessions and orders keep pointing at them) and tariff versions are only
 * added. After a write, callers announce the change (StationDirectory.changed) so every cached catalogue reloads.
 */
export class FleetAdmin {
  constructor(private readonly options: { db: Database; clock?: () => number }) {}

  private get models() {
    return this.options.db.models;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  // ── tariffs ─────────────────────────────────────────────────────────────────────────

  async listTariffs() {
    const [tariffs, versions] = await Promise.all([
      this.models.TariffRecord.findAll({ order: [['id', 'ASC']] }),
      this.models.TariffVersionRecord.findAll({ order: [['tariffId', 'ASC'], ['version', 'ASC']] }),
    ]);
    const byTariff = new Map<string, TariffVersionRecord[]>();
    for (const v of versions) byTariff.set(v.tariffId, [...(byTariff.get(v.tariffId) ?? []), v]);
    return tariffs.map((t) => this.tariffResource(t.id, t.name, byTariff.get(t.id) ?? []));
  }

  async tariff(id: string) {
    const tariff = await this.models.TariffRecord.findByPk(id);
    if (!tariff) throw new DomainError('NOT_FOUND', `no tariff ${id}`);
    const versions = await this.models.TariffVersionRecord.findAll({ where: { tariffId: id }, order: [['version', 'ASC']] });
    return this.tariffResource(tariff.id, tariff.name, versions);
  }

  private tariffResource(id: string, name: string, rows: TariffVersionRecord[]) {
    const versions = rows.map(versionResource);
    const asDomain: (TariffVersion & { index: number })[] = rows.map((r, index) => ({ version: r.version, effectiveFrom: r.effectiveFrom.getTime(), definition: r.definition, index }));
    const inForce = tariffInForce(asDomain, this.now()) ?? asDomain[0];
    const current = inForce ? versions[inForce.index] : null;
    return { id, name, current: current && { version: current.version, effectiveFrom: current.effectiveFrom, definition: current.definition }, versions };
  }

  /** A new tariff with its version 1. An id in use: CONFLICT. */
  async createTariff(id: string, definition: TariffDefinition, effectiveFrom: Date, author: Author) {
    try {
      await this.options.db.transaction(async (transaction) => {
        await this.models.TariffRecord.create({ id, name: definition.name }, { transaction });
        await this.models.TariffVersionRecord.create(
          { tariffId: id, version: 1, effectiveFrom, definition, createdById: author.id, createdByName: author.name },
          { transaction },
        );
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `a tariff with the id ${id} exists already`, { field: 'id' });
      throw error;
    }
    return this.tariff(id);
  }

  /** The tariff's next version. Two staff adding one at once: one gets CONFLICT (the version number is unique per tariff). */
  async addTariffVersion(id: string, definition: TariffDefinition, effectiveFrom: Date, author: Author) {
    try {
      await this.options.db.transaction(async (transaction) => {
        const tariff = await this.models.TariffRecord.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
        if (!tariff) throw new DomainError('NOT_FOUND', `no tariff ${id}`);
        const latest = (await this.models.TariffVersionRecord.max<number | null, TariffVersionRecord>('version', { where: { tariffId: id }, transaction })) ?? 0;
        await this.models.TariffVersionRecord.create(
          { tariffId: id, version: latest + 1, effectiveFrom, definition, createdById: author.id, createdByName: author.name },
          { transaction },
        );
        await tariff.update({ name: definition.name }, { transaction });
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `another version of tariff ${id} was added at the same time; try again`);
      throw error;
    }
    return this.tariff(id);
  }

  // ── stations ────────────────────────────────────────────────────────────────────────

  async listStations(filter: { q?: string; includeRetired: boolean }) {
    const where: WhereOptions<Station>[] = [];
    if (!filter.includeRetired) where.push({ retiredAt: null });
    if (filter.q) {
      const like = likeText(filter.q);
      where.push({ [Op.or]: [{ id: { [Op.like]: like } }, { name: { [Op.like]: like } }, { address: { [Op.like]: like } }] });
    }
    const stations = await this.models.Station.findAll({ where: { [Op.and]: where }, order: [['id', 'ASC']], limit: STATION_LIST_LIMIT });
    const counts = await this.pileCounts(stations.map((s) => s.id));
    return stations.map((s) => stationResource(s, counts.get(s.id) ?? 0));
  }

  /** Piles in service per station. */
  private async pileCounts(stationIds: string[]): Promise<Map<string, number>> {
    if (!stationIds.length) return new Map();
    const rows = (await this.models.Pile.count({ where: { stationId: stationIds, retiredAt: null }, group: ['stationId'] })) as unknown as { stationId: string; count: number }[];
    return new Map(rows.map((r) => [r.stationId, Number(r.count)]));
  }

  async station(id: string) {
    const station = await this.models.Station.findByPk(id);
    if (!station) throw new DomainError('NOT_FOUND', `no station ${id}`);
    const piles = await this.models.Pile.findAll({ where: { stationId: id }, order: [['id', 'ASC']] });
    return { station: stationResource(station, piles.filter((p) => !p.retiredAt).length), piles: piles.map(pileResource) };
  }

  async createStation(id: string, fields: StationFields): Promise<StationResource> {
    await this.requireTariff(fields.tariffId);
    try {
      const station = await this.models.Station.create({ id, ...fields, retiredAt: null });
      return stationResource(station, 0);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `a station with the id ${id} exists already`, { field: 'id' });
      throw error;
    }
  }

  async updateStation(id: string, patch: Partial<StationFields> & { retired?: boolean }): Promise<StationResource> {
    const { retired, ...fields } = patch;
    if (fields.tariffId !== undefined) await this.requireTariff(fields.tariffId);
    const station = await this.models.Station.findByPk(id);
    if (!station) throw new DomainError('NOT_FOUND', `no station ${id}`);
    const retiredAt = retired === undefined ? {} : { retiredAt: retired ? (station.retiredAt ?? new Date(this.now())) : null };
    await station.update({ ...fields, ...retiredAt });
    return stationResource(station, (await this.pileCounts([id])).get(id) ?? 0);
  }

  private async requireTariff(tariffId: string): Promise<void> {
    if (!(await this.models.TariffRecord.findByPk(tariffId, { attributes: ['id'] }))) {
      throw new DomainError('VALIDATION_FAILED', `tariffId: no tariff ${tariffId}`, { field: 'tariffId' });
    }
  }

  // ── piles ───────────────────────────────────────────────────────────────────────────

  /** A pile at a station in service. Its id is its code (the MQTT account it signs in with); a code in use: CONFLICT. */
  async createPile(stationId: string, fields: PileFields): Promise<PileResource> {
    if (fields.protocol === 'ocpp1.6') return (await this.createCharger(stationId, fields, 1))[0];
    await this.requireStationInService(stationId);
    try {
      return pileResource(await this.models.Pile.create({ id: fields.code, stationId, ...fields, retiredAt: null }));
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `a pile with the code ${fields.code} exists already`, { field: 'code' });
      throw error;
    }
  }

  /**
   * An OCPP charger of `connectors` connectors at a station in service (ADR 0011): one pile per connector, the code a
   * driver scans. One connector: the pile's code is the charger's chargePointId (`fields.code`), as before; several:
   * `{chargePointId}-{n}`. All or none are written; a code or chargePointId in use: CONFLICT.
   */
  async createCharger(stationId: string, fields: PileFields, connectors: number): Promise<PileResource[]> {
    const codes = connectorCodes(fields.code, connectors);
    await this.requireStationInService(stationId);
    try {
      const rows = await this.options.db.transaction(async (transaction) => {
        const created: Pile[] = [];
        for (const [i, code] of codes.entries()) {
          const connector = { id: code, code, stationId, protocol: 'ocpp1.6' as const, connectorCount: 1, ocppChargerId: fields.code, ocppConnectorId: i + 1, retiredAt: null };
          created.push(await this.models.Pile.create({ ...fields, ...connector }, { transaction }));
        }
        return created;
      });
      return rows.map(pileResource);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `a pile with the code ${codes.join(' or ')} or a charger ${fields.code} exists already`, { field: 'code' });
      throw error;
    }
  }

  private async requireStationInService(stationId: string): Promise<void> {
    const station = await this.models.Station.findByPk(stationId, { attributes: ['id', 'retiredAt'] });
    if (!station) throw new DomainError('NOT_FOUND', `no station ${stationId}`);
    if (station.retiredAt) throw new DomainError('CONFLICT', `station ${stationId} is retired; put it back in service first`);
  }

  async pileByCode(code: string): Promise<Pile> {
    const pile = await this.models.Pile.findOne({ where: { code } });
    if (!pile) throw new DomainError('NOT_FOUND', `no pile has the code ${code}`);
    return pile;
  }

  async updatePile(code: string, patch: Partial<Omit<PileFields, 'code'>> & { retired?: boolean }): Promise<PileResource> {
    const { retired, ...fields } = patch;
    const pile = await this.pileByCode(code);
    const retiredAt = retired === undefined ? {} : { retiredAt: retired ? (pile.retiredAt ?? new Date(this.now())) : null };
    await pile.update({ ...fields, ...retiredAt });
    return pileResource(pile);
  }

  /** The pile's latest sessions, newest first. */
  async recentSessions(pileId: string, limit = 10) {
    const rows = await this.models.ChargingSession.findAll({ where: { pileId }, order: [['createdAt', 'DESC']], limit });
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      startedAt: iso(r.startedAt),
      endedAt: iso(r.endedAt),
      energyWh: r.energyWh ?? 0,
      totalFen: r.bill?.totalFen,
      endReason: r.endReason ?? undefined,
    }));
  }
}
