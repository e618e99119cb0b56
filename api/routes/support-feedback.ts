import Router from '@koa/router';
import { z } from 'zod';
import { FEEDBACK_STATUSES } from '../../db/models';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody, parseQuery } from '../validation';
import { feedbackView, replyBody } from './feedback-shared';

const query = z.object({
  status: z.enum(FEEDBACK_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Support's side of complaints and suggestions: the queue, replies, closing. */
export function supportFeedbackRoutes({ feedback: desk, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/feedback' });
  const staff = requireRole('support', 'admin');

  router.get('/', staff, async (ctx) => {
    const q = parseQuery(ctx, query);
    ctx.body = { feedback: (await desk.list(q)).map((f) => ({ ...feedbackView(f), userId: f.userId })) };
  });

  router.post('/:id/replies', staff, async (ctx) => {
    const { content } = parseBody(ctx, replyBody);
    const user = currentUser(ctx);
    const replied = await audit.witness(auditActor(user), { action: 'feedback.reply', target: `feedback:${ctx.params.id}` }, () => desk.reply(user, ctx.params.id, content));
    ctx.status = 201;
    ctx.body = feedbackView(replied);
  });

  router.post('/:id/close', staff, async (ctx) => {
    const user = currentUser(ctx);
    ctx.body = feedbackView(await audit.witness(auditActor(user), { action: 'feedback.close', target: `feedback:${ctx.params.id}` }, () => desk.close(user, ctx.params.id)));
  });

  return router;
}
