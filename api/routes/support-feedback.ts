import Router from '@koa/router';
import { z } from 'zod';
import type { FeedbackWithReplies } from '../../db/feedback';
import { FEEDBACK_STATUSES } from '../../db/models';
import { decodeCursor } from '../../db/page-cursor';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody, parseQuery } from '../validation';
import { feedbackView, replyBody } from './feedback-shared';

const userId = z.string().trim().min(1).max(36);

const query = z
  .object({
    status: z.enum(FEEDBACK_STATUSES).optional(),
    /** A staff member's id, `me`, or `none` (nobody yet). */
    assignee: z.union([z.literal('me'), z.literal('none'), userId]).optional(),
    userId: userId.optional(),
    /** The previous page's nextCursor. */
    cursor: z.string().max(60).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const assignBody = z.object({ staffId: userId.nullable(), note: z.string().trim().min(1).max(500).optional() }).strict();
const closeBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/** Support's side of complaints and suggestions: the queue (by status and assignee), an item, replies, assigning, closing. */
export function supportFeedbackRoutes({ feedback: desk, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/feedback' });
  const staff = requireRole('support', 'admin');

  /** Items as staff see them: who wrote it and who looks after it, by name. */
  const staffViews = async (items: FeedbackWithReplies[]) => {
    const names = await desk.names(items.flatMap((f) => [f.userId, f.assigneeId]));
    return items.map((f) => ({
      ...feedbackView(f),
      userId: f.userId,
      user: { id: f.userId, name: names.get(f.userId) ?? null },
      assignee: f.assigneeId ? { id: f.assigneeId, name: names.get(f.assigneeId) ?? null } : null,
    }));
  };
  const staffView = async (item: FeedbackWithReplies) => (await staffViews([item]))[0];

  router.get('/', staff, async (ctx) => {
    const { cursor, assignee, ...filter } = parseQuery(ctx, query);
    const assigneeId = assignee === 'me' ? currentUser(ctx).id : assignee;
    const page = await desk.queue({ ...filter, assigneeId, cursor: cursor ? decodeCursor(cursor) : undefined });
    ctx.body = { feedback: await staffViews(page.feedback), nextCursor: page.nextCursor };
  });

  router.get('/:id', staff, async (ctx) => {
    ctx.body = await staffView(await desk.get(currentUser(ctx), ctx.params.id));
  });

  router.post('/:id/replies', staff, async (ctx) => {
    const { content } = parseBody(ctx, replyBody);
    const user = currentUser(ctx);
    const replied = await audit.witness(auditActor(user), { action: 'feedback.reply', target: `feedback:${ctx.params.id}` }, () => desk.reply(user, ctx.params.id, content));
    ctx.status = 201;
    ctx.body = await staffView(replied);
  });

  router.post('/:id/assign', staff, async (ctx) => {
    const { staffId, note } = parseBody(ctx, assignBody);
    const user = currentUser(ctx);
    const action = { action: 'feedback.assign', target: `feedback:${ctx.params.id}`, reason: [staffId ? `to ${staffId}` : 'to nobody', note].filter(Boolean).join(': ') };
    ctx.body = await staffView(await audit.witness(auditActor(user), action, () => desk.assign(ctx.params.id, staffId)));
  });

  router.post('/:id/close', staff, async (ctx) => {
    const { reason } = parseBody(ctx, closeBody);
    const user = currentUser(ctx);
    ctx.body = await staffView(await audit.witness(auditActor(user), { action: 'feedback.close', target: `feedback:${ctx.params.id}`, reason }, () => desk.close(user, ctx.params.id)));
  });

  return router;
}
