import { randomUUID } from 'node:crypto';
import { Op, type OrderItem } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import { encodeCursor, olderThan, type PageCursor } from './page-cursor';
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

  /**
   * Support's queue: newest first, one page, by status and by assignee (`none`: nobody yet). `nextCursor` is set when
   * older items may follow.
   */
  async queue(filter: { status?: FeedbackStatus; assigneeId?: string | 'none'; userId?: string; cursor?: PageCursor; limit: number }): Promise<{ feedback: FeedbackWithReplies[]; nextCursor: string | null }> {
    const { Feedback } = this.db.models;
    const page = await Feedback.findAll({
      where: {
        [Op.and]: [
          filter.status ? { status: filter.status } : {},
          filter.assigneeId ? { assigneeId: filter.assigneeId === 'none' ? null : filter.assigneeId } : {},
          filter.userId ? { userId: filter.userId } : {},
          olderThan(filter.cursor),
        ],
      },
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: filter.limit,
    });
    const replies = page.length ? await this.db.models.FeedbackReply.findAll({ where: { feedbackId: page.map((f) => f.id) }, order: [['id', 'ASC']] }) : [];
    const feedback = page.map((f) => Object.assign(f, { replies: replies.filter((r) => r.feedbackId === f.id) }));
    return { feedback, nextCursor: page.length === filter.limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /** Gives the item to a support or admin account that is not disabled; `null` takes it back to nobody. */
  async assign(id: string, staffId: string | null): Promise<FeedbackWithReplies> {
    const feedback = await this.db.models.Feedback.findByPk(id);
    if (!feedback) throw new DomainError('NOT_FOUND', `no feedback ${id}`);
    if (staffId !== null) {
      const [account, user] = await Promise.all([this.db.models.StaffAccount.findByPk(staffId), this.db.models.User.findByPk(staffId)]);
      if (!account || !user || account.disabledAt || (user.role !== 'support' && user.role !== 'admin')) {
        throw new DomainError('VALIDATION_FAILED', 'staffId: not an enabled support or admin account', { field: 'staffId' });
      }
    }
    await feedback.update({ assigneeId: staffId });
    return this.get({ id: '', role: 'admin' }, id);
  }

  /** Display names of users (drivers and staff) by id, for the queue's rows. */
  async names(ids: (string | null | undefined)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (!wanted.length) return new Map();
    const users = await this.db.models.User.findAll({ where: { id: wanted }, attributes: ['id', 'name'] });
    return new Map(users.map((u) => [u.id, u.name]));
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
