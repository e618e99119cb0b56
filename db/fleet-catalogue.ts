import type { CreationAttributes, Transaction } from 'sequelize';
import type { Tariff } from '../domain/tariff';
import type { Database } from './database';
import type { Pile, Station } from './models';

export type NewStation = CreationAttributes<Station>;
export type NewPile = CreationAttributes<Pile>;

/**
 * Writes to the catalogue of tariffs, stations and piles (StationDirectory reads it). Adding what exists already
 * (the same id) leaves the existing row as it is, so a seed can run again.
 */
export class FleetCatalogue {
  constructor(private readonly db: Database) {}

  /** The tariff with `tariff` as its version 1, in force since the epoch (a tariff that exists keeps its versions). */
  async addTariff(tariff: Tariff, options: { transaction?: Transaction } = {}): Promise<void> {
    const { id, version: _version, ...definition } = tariff;
    const [, created] = await this.db.models.TariffRecord.findOrCreate({ where: { id }, defaults: { id, name: tariff.name }, transaction: options.transaction });
    if (!created) return;
    await this.db.models.TariffVersionRecord.create(
      { tariffId: id, version: 1, effectiveFrom: new Date(0), definition, createdById: null, createdByName: null },
      { transaction: options.transaction },
    );
  }

  async addStations(stations: NewStation[], options: { transaction?: Transaction } = {}): Promise<void> {
    await this.db.models.Station.bulkCreate(stations, { ignoreDuplicates: true, transaction: options.transaction });
  }

  countPiles(): Promise<number> {
    return this.db.models.Pile.count();
  }

  async addPiles(piles: NewPile[], options: { transaction?: Transaction } = {}): Promise<void> {
    await this.db.models.Pile.bulkCreate(piles, { ignoreDuplicates: true, transaction: options.transaction });
  }
}
