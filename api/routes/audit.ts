import Router from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseQuery } from '../validation';

const auditQuery = z
  .object({
    actorId: z.string().max(36).optional(),
    action: z.string().max(64).optional(),
    target: z.string().max(120).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    /** The previous page's nextCursor. */
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** The audit log of staff actions, newest first, a page at a time; admins and support may read it. */
export function auditRoutes({ audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/audit' });

  router.get('/', requireRole('admin', 'support'), async (ctx) => {
    const { cursor, ...filter } = parseQuery(ctx, auditQuery);
    const page = await audit.list({ ...filter, before: cursor });
    ctx.body = {
      entries: page.entries.map((e) => ({ id: e.id, at: e.at, actorId: e.actorId, actorName: e.actorName, actorRole: e.actorRole, action: e.action, target: e.target, reason: e.reason, result: e.result })),
      nextCursor: page.nextCursor,
    };
  });

  return router;
}
