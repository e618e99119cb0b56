import { randomUUID } from 'node:crypto';
import { fn, col, Op, UniqueConstraintError } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { Review } from './models';

export interface ReviewInput {
  stars: number;
  text: string;
}

/**
 * Drivers' reviews of their own completed sessions, one per session (the unique session id enforces it
 * under concurrency). Another driver's review or session does not exist for them (NOT_FOUND).
 */
export class Reviews {
  constructor(private readonly db: Database) {}

  async create(userId: string, sessionId: string, input: ReviewInput): Promise<Review> {
    const { ChargingSession, Review } = this.db.models;
    const session = await ChargingSession.findOne({ where: { id: sessionId, userId }, attributes: ['id', 'status', 'stationId'] });
    if (!session) throw new DomainError('NOT_FOUND', `no session ${sessionId}`, { field: 'sessionId' });
    if (session.status !== 'COMPLETED') throw new DomainError('SESSION_STATE_CONFLICT', `only a completed session can be reviewed; this one is ${session.status}`);
    try {
      return await Review.create({ id: randomUUID(), sessionId, userId, stationId: session.stationId, ...input });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('SESSION_STATE_CONFLICT', 'this session is already reviewed; edit that review instead');
      throw error;
    }
  }

  mine(userId: string, page: { before?: Date; limit: number }): Promise<Review[]> {
    return this.db.models.Review.findAll({
      where: { userId, ...(page.before ? { createdAt: { [Op.lt]: page.before } } : {}) },
      order: [['createdAt', 'DESC']],
      limit: page.limit,
    });
  }

  async update(userId: string, id: string, patch: Partial<ReviewInput>): Promise<Review> {
    return (await this.owned(userId, id)).update(patch);
  }

  async remove(userId: string, id: string): Promise<void> {
    await (await this.owned(userId, id)).destroy();
  }

  /** The review of a session, if its driver wrote one. */
  ofSession(sessionId: string): Promise<Review | null> {
    return this.db.models.Review.findOne({ where: { sessionId } });
  }

  /** The station's average rating over all its reviews, and the most recent ones with their authors' names. */
  async ofStation(stationId: string, limit: number) {
    const { Review, User } = this.db.models;
    const [summary] = (await Review.findAll({
      where: { stationId },
      attributes: [
        [fn('COUNT', col('id')), 'count'],
        [fn('AVG', col('stars')), 'average'],
      ],
      raw: true,
    })) as unknown as { count: number | string; average: number | string | null }[];
    const recent = await Review.findAll({ where: { stationId }, order: [['createdAt', 'DESC']], limit });
    const authors = await User.findAll({ where: { id: [...new Set(recent.map((r) => r.userId))] }, attributes: ['id', 'name'] });
    const nameOf = new Map(authors.map((u) => [u.id, u.name]));
    const count = Number(summary.count);
    return {
      count,
      averageStars: count ? Math.round(Number(summary.average) * 10) / 10 : null,
      recent: recent.map((review) => ({ review, authorName: nameOf.get(review.userId) ?? '' })),
    };
  }

  private async owned(userId: string, id: string): Promise<Review> {
    const review = await this.db.models.Review.findOne({ where: { id, userId } });
    if (!review) throw new DomainError('NOT_FOUND', `no review ${id}`);
    return review;
  }
}
