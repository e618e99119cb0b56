import Router from '@koa/router';
import { z } from 'zod';
import type { Review } from '../../db/models';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';
import { parseBody, parseQuery } from '../validation';

const reviewFields = z.object({
  stars: z.number().int('must be a whole number of stars').min(1).max(5),
  text: z.string().trim().max(500).default(''),
});
const newReview = reviewFields.extend({ sessionId: z.string().trim().min(1).max(36) });
const page = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  before: z.coerce.date().optional(),
});

export function reviewView(r: Review) {
  return { id: r.id, sessionId: r.sessionId, stationId: r.stationId, stars: r.stars, text: r.text, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

/** The driver's reviews of their completed sessions. */
export function reviewRoutes(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/reviews' });
  const { reviews } = deps;

  router.get('/', async (ctx) => {
    const q = parseQuery(ctx, page);
    ctx.body = { reviews: (await reviews.mine(currentUser(ctx).id, q)).map(reviewView) };
  });

  router.post('/', rateLimit(deps.hot, { keyPrefix: 'rl:review', points: 10, durationSeconds: 60 }), async (ctx) => {
    const { sessionId, ...input } = parseBody(ctx, newReview);
    ctx.status = 201;
    ctx.body = reviewView(await reviews.create(currentUser(ctx).id, sessionId, input));
  });

  router.patch('/:id', async (ctx) => {
    const patch = parseBody(ctx, reviewFields.partial().strict());
    ctx.body = reviewView(await reviews.update(currentUser(ctx).id, ctx.params.id, patch));
  });

  router.delete('/:id', async (ctx) => {
    await reviews.remove(currentUser(ctx).id, ctx.params.id);
    ctx.status = 204;
  });

  return router;
}
