import Router from '@koa/router';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { stationView } from '../station-views';

/** The driver's favourite stations, listed with live pile status and the price in force now. */
export function favouriteRoutes({ favourites, live }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/favourites' });

  router.get('/', async (ctx) => {
    const found = await favourites.list(currentUser(ctx).id);
    const now = Date.now();
    ctx.body = { stations: await Promise.all(found.map(async (s) => stationView(s, await live.stationPiles(s.station.id), now))) };
  });

  router.put('/:stationId', async (ctx) => {
    await favourites.add(currentUser(ctx).id, ctx.params.stationId);
    ctx.body = { stationId: ctx.params.stationId, favourite: true };
  });

  router.delete('/:stationId', async (ctx) => {
    await favourites.remove(currentUser(ctx).id, ctx.params.stationId);
    ctx.status = 204;
  });

  return router;
}
