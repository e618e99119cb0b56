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

  async addTariff(tariff: Tariff, options: { transaction?: Transaction } = {}): Promise<void> {
    await this.db.models.TariffRecord.findOrCreate({ where: { id: tariff.id }, defaults: { id: tariff.id, definition: tariff }, transaction: options.transaction });
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
