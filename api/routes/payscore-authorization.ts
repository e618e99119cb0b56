import Router from '@koa/router';
import { DomainError } from '../../domain/errors';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';

/**
 * The driver's authorization of our WeChat Pay Score service: read it (asked again when unknown or stale), or start it
 * (the token the mini-program opens the Payscore mini-program with; WeChat Pay notifies the outcome).
 */
export function payscoreAuthorizationRoutes({ payscorePermissions, hot, rateLimits }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/payments/payscore/authorization' });
  const permissions = () => {
    if (!payscorePermissions) throw new DomainError('NOT_FOUND', 'WeChat Pay Score is not configured on this server');
    return payscorePermissions;
  };

  router.get('/', async (ctx) => {
    const { state } = await permissions().stateOf(currentUser(ctx).id);
    ctx.body = { state };
  });

  // Each start is a request to WeChat Pay: limited per driver like the other requests that reach it.
  router.post('/', rateLimit(hot, { keyPrefix: 'rl:payscore-authorization', points: rateLimits.topUpsPerMinute, durationSeconds: 60 }), async (ctx) => {
    ctx.status = 201;
    ctx.body = await permissions().apply(currentUser(ctx).id);
  });

  return router;
}
