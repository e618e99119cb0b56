import Router from '@koa/router';
import { z } from 'zod';
import { SESSION_STATUSES } from '../../domain/session-state';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseQuery } from '../validation';

const sessionQuery = z.object({
  status: z.enum(SESSION_STATUSES).optional(),
  needsReview: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Back office: sessions by status (support's failed settlements, operators' review queue), retries. Alarms: routes/alarms.ts. */
export function adminRoutes({ sessions, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin' });

  router.get('/sessions', requireRole('support', 'operator', 'admin'), async (ctx) => {
    const q = parseQuery(ctx, sessionQuery);
    ctx.body = { sessions: await sessions.list(q) };
  });

  router.post('/sessions/:id/retry-settlement', requireRole('support', 'admin'), async (ctx) => {
    const staff = currentUser(ctx);
    const id = ctx.params.id;
    ctx.body = await audit.witness(auditActor(staff), { action: 'session.retry-settlement', target: `session:${id}` }, () => sessions.retrySettlement(staff, id));
    ctx.status = 202;
  });

  return router;
}
