import { Op, type WhereOptions } from 'sequelize';
import type { SessionIdentity } from '../activities/ports';
import { type SessionStatus, isFinal } from '../domain/session-state';
import type { Tariff } from '../domain/tariff';
import type { Database } from './database';
import type { ChargingSession, PileClaim, ReviewState, SessionEvent } from './models';

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

/** The operators' session search: every filter optional, newest first, paged by a (createdAt, id) cursor. */
export interface SessionSearch {
  pileId?: string;
  stationId?: string;
  userId?: string;
  status?: SessionStatus;
  needsReview?: boolean;
  reviewState?: ReviewState | 'none';
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** After this position of the previous page (its last row). */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Reads of the session records the workflows keep (the worker writes them through `SequelizeSessionStore`). */
export class SessionRecords {
  constructor(private readonly db: Database) {}

  byId(sessionId: string): Promise<ChargingSession | null> {
    return this.db.models.ChargingSession.findByPk(sessionId);
  }

  /** The session's transitions in the order they happened. */
  /** The energy each session's workflow last recorded (its last checkpoint), by session id. */
  async recordedEnergy(sessionIds: string[]): Promise<Map<string, number>> {
    if (sessionIds.length === 0) return new Map();
    const rows = await this.db.models.ChargingSession.findAll({ where: { id: sessionIds }, attributes: ['id', 'energyWh'] });
    return new Map(rows.map((r) => [r.id, r.energyWh ?? 0]));
  }

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

  /** One page of the search; `more` when older sessions may follow. */
  async search(q: SessionSearch): Promise<{ sessions: ChargingSession[]; more: boolean }> {
    const where: WhereOptions<ChargingSession>[] = [
      ...(q.pileId ? [{ pileId: q.pileId }] : []),
      ...(q.stationId ? [{ stationId: q.stationId }] : []),
      ...(q.userId ? [{ userId: q.userId }] : []),
      ...(q.status ? [{ status: q.status }] : []),
      ...(q.needsReview !== undefined ? [{ needsReview: q.needsReview }] : []),
      ...(q.reviewState ? [{ reviewState: q.reviewState === 'none' ? null : q.reviewState }] : []),
      ...(q.from ? [{ createdAt: { [Op.gte]: q.from } }] : []),
      ...(q.to ? [{ createdAt: { [Op.lt]: q.to } }] : []),
      ...(q.after ? [{ [Op.or]: [{ createdAt: { [Op.lt]: q.after.createdAt } }, { createdAt: q.after.createdAt, id: { [Op.lt]: q.after.id } }] }] : []),
    ];
    const rows = await this.db.models.ChargingSession.findAll({ where: { [Op.and]: where }, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit: q.limit + 1 });
    return { sessions: rows.slice(0, q.limit), more: rows.length > q.limit };
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
