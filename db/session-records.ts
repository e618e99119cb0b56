import { Op } from 'sequelize';
import type { SessionStatus } from '../domain/session-state';
import type { Database } from './database';
import type { ChargingSession, SessionEvent } from './models';

export interface SessionFilter {
  userId?: string;
  status?: SessionStatus;
  needsReview?: boolean;
  before?: Date;
  limit: number;
}

/** Reads of the session records the workflows keep (the worker writes them through `SequelizeSessionStore`). */
export class SessionRecords {
  constructor(private readonly db: Database) {}

  byId(sessionId: string): Promise<ChargingSession | null> {
    return this.db.models.ChargingSession.findByPk(sessionId);
  }

  /** The session's transitions in the order they happened. */
  events(sessionId: string): Promise<SessionEvent[]> {
    return this.db.models.SessionEvent.findAll({ where: { sessionId }, order: [['seq', 'ASC']] });
  }

  /** Newest first, paged with `before`. */
  list(filter: SessionFilter): Promise<ChargingSession[]> {
    return this.db.models.ChargingSession.findAll({
      where: {
        ...(filter.userId ? { userId: filter.userId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.needsReview !== undefined ? { needsReview: filter.needsReview } : {}),
        ...(filter.before ? { createdAt: { [Op.lt]: filter.before } } : {}),
      },
      order: [['createdAt', 'DESC']],
      limit: filter.limit,
    });
  }

  count(filter: { status?: SessionStatus; needsReview?: boolean }): Promise<number> {
    return this.db.models.ChargingSession.count({ where: filter });
  }

  /** How many sessions are in each status (statuses with none are absent). */
  async countByStatus(): Promise<{ status: SessionStatus; count: number }[]> {
    const rows = (await this.db.models.ChargingSession.count({ group: ['status'] })) as unknown as { status: SessionStatus; count: number }[];
    return rows.map(({ status, count }) => ({ status, count: Number(count) }));
  }
}
