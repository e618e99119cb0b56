import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { StationDirectory, StationWithPiles } from './stations';

/** A driver's favourite stations. Adding twice or removing one that is not there changes nothing. */
export class FavouriteStations {
  constructor(private readonly deps: { db: Database; stations: StationDirectory }) {}

  async list(userId: string): Promise<StationWithPiles[]> {
    const rows = await this.deps.db.models.FavouriteStation.findAll({ where: { userId }, order: [['createdAt', 'DESC']], limit: 100 });
    return this.deps.stations.load(rows.map((r) => r.stationId));
  }

  async add(userId: string, stationId: string): Promise<void> {
    const { FavouriteStation, Station } = this.deps.db.models;
    if (!(await Station.findByPk(stationId, { attributes: ['id'] }))) throw new DomainError('NOT_FOUND', `no station ${stationId}`);
    await FavouriteStation.findOrCreate({ where: { userId, stationId }, defaults: { userId, stationId } });
  }

  async remove(userId: string, stationId: string): Promise<void> {
    await this.deps.db.models.FavouriteStation.destroy({ where: { userId, stationId } });
  }
}
