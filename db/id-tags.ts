import { UniqueConstraintError } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { IdTagEntry, IdTagStatus } from './models';

export interface IdTagResource {
  idTag: string;
  userId: string;
  status: IdTagStatus;
  createdAt: string;
  updatedAt: string;
}

const resource = (row: IdTagEntry): IdTagResource => ({
  idTag: row.idTag,
  userId: row.userId,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * The `id_tags` table (migration 0019): RFID cards mapped to drivers. OCPP id tags are case-insensitive (CiString20),
 * so a tag is stored and looked up in upper case.
 */
export class IdTags {
  constructor(private readonly db: Database) {}

  /** Maps a new card to a driver; a tag mapped already: CONFLICT. */
  async add(idTag: string, userId: string): Promise<IdTagResource> {
    const user = await this.db.models.User.findByPk(userId, { attributes: ['id', 'role'] });
    if (!user || user.role !== 'driver') throw new DomainError('NOT_FOUND', `no driver ${userId}`, { field: 'userId' });
    try {
      return resource(await this.db.models.IdTag.create({ idTag: idTag.toUpperCase(), userId, status: 'active' }));
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `the id tag ${idTag} is mapped already`, { field: 'idTag' });
      throw error;
    }
  }

  async setStatus(idTag: string, status: IdTagStatus): Promise<IdTagResource> {
    const row = await this.db.models.IdTag.findByPk(idTag.toUpperCase());
    if (!row) throw new DomainError('NOT_FOUND', `no id tag ${idTag}`);
    await row.update({ status });
    return resource(row);
  }

  async list(filter: { userId?: string }): Promise<IdTagResource[]> {
    const rows = await this.db.models.IdTag.findAll({ where: filter.userId ? { userId: filter.userId } : {}, order: [['idTag', 'ASC']], limit: 500 });
    return rows.map(resource);
  }

  /** The driver a tapped tag belongs to, and whether it may start; undefined for a tag nobody mapped. */
  async lookup(idTag: string): Promise<{ userId: string; status: IdTagStatus } | undefined> {
    const row = await this.db.models.IdTag.findByPk(idTag.toUpperCase());
    return row ? { userId: row.userId, status: row.status } : undefined;
  }
}
