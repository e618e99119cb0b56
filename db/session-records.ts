import { Op } from 'sequelize';
import type { SessionIdentity } from '../activities/ports';
import { type SessionStatus, isFinal } from '../domain/session-state';
import type { Tariff } from '../domain/tariff';
import type { Database } from './database';
import type { ChargingSession, PileClaim, SessionEvent } from './models';

/** A session that has not ended, as its durable record last saw it. */
export interface ActiveSessionRecord extends SessionIdentity {
  status: SessionStatus;
  tariff: Tariff;
  meterStartWh?: number;
  startedAt?: number;
}

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

  /** The session if it has not ended: what a gateway whose hot store lost it (a crash, a flushed Redis) rebuilds from. */
  async active(sessionId: string): Promise<ActiveSessionRecord | undefined> {
    const row = await this.db.models.ChargingSession.findByPk(sessionId);
    return row && !isFinal(row.status) ? activeRecordOf(row) : undefined;
  }

  /** The claim that holds the pile for a session, if any. */
  claimOf(pileId: string): Promise<PileClaim | null> {
    return this.db.models.PileClaim.findByPk(pileId);
  }

  /** The session holding the pile, by the claim that makes it the only one. */
  async activeOnPile(pileId: string): Promise<ActiveSessionRecord | undefined> {
    const claim = await this.db.models.PileClaim.findByPk(pileId);
    return claim ? this.active(claim.sessionId) : undefined;
  }
}

function activeRecordOf(row: ChargingSession): ActiveSessionRecord {
  return {
    sessionId: row.id,
    userId: row.userId,
    pileId: row.pileId,
    stationId: row.stationId,
    status: row.status,
    tariff: row.tariff,
    meterStartWh: row.meterStartWh ?? undefined,
    startedAt: row.startedAt?.getTime(),
  };
}
