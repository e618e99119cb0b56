import { randomUUID } from 'node:crypto';
import { Op, type OrderItem } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { Feedback, FEEDBACK_KINDS, FeedbackReply, FeedbackStatus, Role } from './models';

export interface FeedbackInput {
  kind: (typeof FEEDBACK_KINDS)[number];
  content: string;
  stationId?: string;
  sessionId?: string;
}

export type FeedbackWithReplies = Feedback & { replies: FeedbackReply[] };

/** Who is asking: a driver (their own feedback only) or staff. */
export interface Actor {
  id: string;
  role: Role;
}

/**
 * Complaints and suggestions, and the conversation on each. Status: a staff reply makes it `replied`, the
 * driver's follow-up makes it `open` again, either side may close it. Drivers see only their own.
 */
export class FeedbackDesk {
  private readonly replies: { model: Database['models']['FeedbackReply']; as: 'replies' };
  private readonly repliesOldestFirst: OrderItem;

  constructor(private readonly db: Database) {
    this.replies = { model: db.models.FeedbackReply, as: 'replies' };
    this.repliesOldestFirst = [this.replies, 'id', 'ASC'];
  }

  async submit(userId: string, input: FeedbackInput): Promise<FeedbackWithReplies> {
    const { ChargingSession, Feedback, Station } = this.db.models;
    if (input.stationId && !(await Station.findByPk(input.stationId, { attributes: ['id'] }))) {
      throw new DomainError('NOT_FOUND', `no station ${input.stationId}`, { field: 'stationId' });
    }
    if (input.sessionId && !(await ChargingSession.findOne({ where: { id: input.sessionId, userId }, attributes: ['id'] }))) {
      throw new DomainError('NOT_FOUND', `no session ${input.sessionId}`, { field: 'sessionId' });
    }
    const feedback = await Feedback.create({ id: randomUUID(), userId, status: 'open', stationId: null, sessionId: null, ...input });
    return Object.assign(feedback, { replies: [] });
  }

  /** A driver's own feedback, or any for staff, newest first. */
  list(filter: { userId?: string; status?: FeedbackStatus; before?: Date; limit: number }): Promise<FeedbackWithReplies[]> {
    return this.db.models.Feedback.findAll({
      where: {
        ...(filter.userId ? { userId: filter.userId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.before ? { createdAt: { [Op.lt]: filter.before } } : {}),
      },
      include: [this.replies],
      order: [['createdAt', 'DESC'], this.repliesOldestFirst],
      limit: filter.limit,
    }) as Promise<FeedbackWithReplies[]>;
  }

  async get(user: Actor, id: string): Promise<FeedbackWithReplies> {
    const feedback = (await this.db.models.Feedback.findByPk(id, { include: [this.replies], order: [this.repliesOldestFirst] })) as FeedbackWithReplies | null;
    if (!feedback || (feedback.userId !== user.id && user.role === 'driver')) throw new DomainError('NOT_FOUND', `no feedback ${id}`);
    return feedback;
  }

  async reply(user: Actor, id: string, content: string): Promise<FeedbackWithReplies> {
    const feedback = await this.get(user, id);
    await this.db.models.FeedbackReply.create({ feedbackId: id, authorId: user.id, authorRole: user.role, content });
    await feedback.update({ status: user.role === 'driver' ? 'open' : 'replied' });
    return this.get(user, id);
  }

  async close(user: Actor, id: string): Promise<FeedbackWithReplies> {
    const feedback = await this.get(user, id);
    await feedback.update({ status: 'closed' });
    return feedback;
  }
}
