import Router from '@koa/router';
import { z } from 'zod';
import { FEEDBACK_KINDS } from '../../db/models';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';
import { parseBody, parseQuery } from '../validation';
import { feedbackContent, feedbackView, replyBody } from './feedback-shared';

const newFeedback = z.object({
  kind: z.enum(FEEDBACK_KINDS),
  content: feedbackContent,
  stationId: z.string().trim().min(1).max(64).optional(),
  sessionId: z.string().trim().min(1).max(36).optional(),
});
const page = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  before: z.coerce.date().optional(),
});

/** The driver's complaints and suggestions: submit, read the replies, follow up, close. */
export function feedbackRoutes(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/feedback' });
  const desk = deps.feedback;
  const limit = rateLimit(deps.hot, { keyPrefix: 'rl:feedback', points: 10, durationSeconds: 60 });

  router.get('/', async (ctx) => {
    const q = parseQuery(ctx, page);
    ctx.body = { feedback: (await desk.list({ userId: currentUser(ctx).id, ...q })).map(feedbackView) };
  });

  router.post('/', limit, async (ctx) => {
    const input = parseBody(ctx, newFeedback);
    ctx.status = 201;
    ctx.body = feedbackView(await desk.submit(currentUser(ctx).id, input));
  });

  router.get('/:id', async (ctx) => {
    ctx.body = feedbackView(await desk.get(currentUser(ctx), ctx.params.id));
  });

  router.post('/:id/replies', limit, async (ctx) => {
    const body = parseBody(ctx, replyBody);
    ctx.status = 201;
    ctx.body = feedbackView(await desk.reply(currentUser(ctx), ctx.params.id, body.content));
  });

  router.post('/:id/close', async (ctx) => {
    ctx.body = feedbackView(await desk.close(currentUser(ctx), ctx.params.id));
  });

  return router;
}
