import Router from '@koa/router';
import { z } from 'zod';
import { PAYMENT_MODES } from '../../domain/payscore';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { fenAmount, idempotencyKey, parseBody, parseQuery } from '../validation';

const sessionBody = z.object({
  pileCode: z.string().trim().min(1).max(64),
  reserve: z.boolean().default(false),
  limits: z
    .object({
      maxAmountFen: fenAmount.optional(),
      targetEnergyWh: z.number().int('must be whole Wh').positive().max(500_000).optional(),
      targetSocPercent: z.number().int().min(1).max(100).optional(),
    })
    .strict()
    .default({}),
  paymentMode: z.enum(PAYMENT_MODES).default('wallet'),
});

/** A driver stops their own session with no body; staff stopping someone else's must say why. */
const stopBody = z.object({ reason: z.string().trim().min(3).max(500).optional() });

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce.date().optional(),
});

/** A driver's charging sessions: start or reserve, start a reservation, cancel, stop, and read. */
export function sessionRoutes({ sessions }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/sessions' });

  router.post('/', async (ctx) => {
    const body = parseBody(ctx, sessionBody);
    ctx.status = 201;
    ctx.body = await sessions.request(currentUser(ctx), body, idempotencyKey(ctx));
  });

  router.get('/', async (ctx) => {
    const q = parseQuery(ctx, listQuery);
    ctx.body = { sessions: await sessions.list({ userId: currentUser(ctx).id, before: q.before, limit: q.limit }) };
  });

  router.get('/payment-modes', async (ctx) => {
    ctx.body = await sessions.paymentModesFor(currentUser(ctx));
  });

  router.get('/:id', async (ctx) => {
    const user = currentUser(ctx);
    ctx.body = { ...(await sessions.view(user, ctx.params.id)), timeline: await sessions.timeline(user, ctx.params.id) };
  });

  router.post('/:id/start', async (ctx) => {
    ctx.body = await sessions.startReserved(currentUser(ctx), ctx.params.id);
  });

  router.post('/:id/cancel', async (ctx) => {
    ctx.body = await sessions.cancelReservation(currentUser(ctx), ctx.params.id);
  });

  router.post('/:id/stop', async (ctx) => {
    const { reason } = parseBody(ctx, stopBody);
    ctx.body = await sessions.stop(currentUser(ctx), ctx.params.id, reason);
  });

  return router;
}
