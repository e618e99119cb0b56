import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { stationView } from '../station-views';
import { parseQuery } from '../validation';

const nearbyQuery = z
  .object({
    lat: z.coerce.number().min(-90).max(90).optional(),
    lng: z.coerce.number().min(-180).max(180).optional(),
    radiusKm: z.coerce.number().positive().max(100).default(10),
    type: z.enum(['fast', 'slow']).optional(),
    available: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), { message: 'give both lat and lng, or neither', path: ['lat'] });

/** Public catalog: stations (nearby when a position is given) and what a pile's QR code names. */
export function stationRoutes({ stations, live, listedStatuses }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1' });

  router.get('/stations', async (ctx) => {
    const q = parseQuery(ctx, nearbyQuery);
    const hits = q.lat !== undefined && q.lng !== undefined ? await stations.nearby({ lat: q.lat, lng: q.lng }, q.radiusKm * 1000, q.limit) : undefined;
    const found = await stations.load(hits?.map((h) => h.member), q.limit);
    const distance = new Map(hits?.map((h) => [h.member, h.distanceM]));
    const now = Date.now();
    const views = await Promise.all(found.map(async (s) => stationView(s, await listedStatuses.of(s.station.id), now, distance.get(s.station.id))));
    ctx.body = {
      stations: views
        .map((v) => (q.type ? { ...v, piles: v.piles.filter((p) => p.type === q.type) } : v))
        .filter((v) => v.piles.length > 0 && (!q.available || v.piles.some((p) => p.status === 'idle'))),
    };
  });

  router.get('/stations/:id', async (ctx) => {
    const found = await stations.get(ctx.params.id);
    if (!found) throw new DomainError('NOT_FOUND', `no station ${ctx.params.id}`);
    ctx.body = stationView(found, await live.stationPiles(found.station.id), Date.now());
  });

  router.get('/piles/:code', async (ctx) => {
    const found = await stations.pileByCode(ctx.params.code);
    const station = found && !found.retired ? await stations.get(found.station.id) : undefined;
    if (!found || !station) throw new DomainError('NOT_FOUND', `no pile has the code ${ctx.params.code}`);
    const view = stationView(station, await live.stationPiles(found.station.id), Date.now());
    const { piles, ...stationPart } = view;
    ctx.body = { pile: piles.find((p) => p.id === found.pile.id), station: stationPart };
  });

  return router;
}
