import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { parseQuery } from '../validation';

const query = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

/** Masks a reviewer's name for the public: first character, then asterisks. */
const masked = (name: string) => (name ? `${[...name][0]}**` : '匿名');

/** Public: a station's average rating and its recent reviews (the station page shows them beside the station). */
export function stationReviewRoutes({ stations, reviews }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/stations' });

  router.get('/:id/reviews', async (ctx) => {
    const { limit } = parseQuery(ctx, query);
    if (!(await stations.exists(ctx.params.id))) throw new DomainError('NOT_FOUND', `no station ${ctx.params.id}`);
    const { count, averageStars, recent } = await reviews.ofStation(ctx.params.id, limit);
    ctx.body = {
      stationId: ctx.params.id,
      count,
      averageStars,
      reviews: recent.map(({ review, authorName }) => ({ id: review.id, stars: review.stars, text: review.text, author: masked(authorName), createdAt: review.createdAt })),
    };
  });

  return router;
}
