import Router from '@koa/router';
import { z } from 'zod';
import { CONNECTOR_TYPES, type Vehicle } from '../../db/models';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody } from '../validation';

/** Mainland plates: province character, letter, then 5 (fuel) or 6 (new-energy) letters and digits; "沪A·12345" is accepted. */
const plate = z
  .string()
  .transform((v) => v.replace(/[\s·.-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$/, 'expected a plate like 沪A12345 or 沪AD12345'));

const vehicleBody = z.object({
  plate,
  model: z.string().trim().min(1).max(100),
  connectorType: z.enum(CONNECTOR_TYPES),
});

function vehicleView(v: Vehicle) {
  return { id: v.id, plate: v.plate, model: v.model, connectorType: v.connectorType, createdAt: v.createdAt };
}

export function vehicleRoutes({ vehicles }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/vehicles' });

  router.get('/', async (ctx) => {
    ctx.body = { vehicles: (await vehicles.list(currentUser(ctx).id)).map(vehicleView), connectorTypes: CONNECTOR_TYPES };
  });

  router.post('/', async (ctx) => {
    const input = parseBody(ctx, vehicleBody);
    ctx.status = 201;
    ctx.body = vehicleView(await vehicles.add(currentUser(ctx).id, input));
  });

  router.patch('/:id', async (ctx) => {
    const patch = parseBody(ctx, vehicleBody.partial().strict());
    ctx.body = vehicleView(await vehicles.update(currentUser(ctx).id, ctx.params.id, patch));
  });

  router.delete('/:id', async (ctx) => {
    await vehicles.remove(currentUser(ctx).id, ctx.params.id);
    ctx.status = 204;
  });

  return router;
}
