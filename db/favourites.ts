import { DomainError } from '../domain/errors';
import { FavouriteStation, Station } from './models';
import type { StationDirectory, StationWithPiles } from './stations';

/** A driver's favourite stations. Adding twice or removing one that is not there changes nothing. */
export class FavouriteStations {
  constructor(private readonly stations: StationDirectory) {}

  async list(userId: string): Promise<StationWithPiles[]> {
    const rows = await FavouriteStation.findAll({ where: { userId }, order: [['createdAt', 'DESC']], limit: 100 });
    return this.stations.load(rows.map((r) => r.stationId));
  }

  async add(userId: string, stationId: string): Promise<void> {
    if (!(await Station.findByPk(stationId, { attributes: ['id'] }))) throw new DomainError('NOT_FOUND', `no station ${stationId}`);
    await FavouriteStation.findOrCreate({ where: { userId, stationId }, defaults: { userId, stationId } });
  }

  async remove(userId: string, stationId: string): Promise<void> {
    await FavouriteStation.destroy({ where: { userId, stationId } });
  }
}
