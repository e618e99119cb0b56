import Router from '@koa/router';
import { z } from 'zod';
import { ROLES } from '../../db/models';
import { DomainError } from '../../domain/errors';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';
import { parseBody } from '../validation';

const devLoginBody = z.object({
  name: z.string().trim().min(1).max(50),
  role: z.enum(ROLES).default('driver'),
});

export function authRoutes(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/auth' });
  const limit = rateLimit(deps.hot, { keyPrefix: 'rl:auth', points: deps.rateLimits.loginsPerMinute, durationSeconds: 60 });

  /** Development login by name: enabled by AUTH_DEV_LOGIN, never in production; staff roles need AUTH_DEV_LOGIN_STAFF too. */
  router.post('/dev-login', limit, async (ctx) => {
    if (!deps.devLogin.enabled) throw new DomainError('FORBIDDEN', 'dev login is disabled (AUTH_DEV_LOGIN=false)');
    const { name, role } = parseBody(ctx, devLoginBody);
    if (role !== 'driver' && !deps.devLogin.staffRoles) {
      throw new DomainError('FORBIDDEN', 'dev login makes drivers only (staff roles need AUTH_DEV_LOGIN_STAFF=true, for tests and demos)', { field: 'role' });
    }
    const user = await deps.users.devLogin(name, role);
    if (role !== 'driver') {
      ctx.body = await deps.staff.signInForDevLogin(user);
      return;
    }
    const identity = { id: user.id, name: user.name, role: user.role };
    ctx.body = { token: deps.tokens.issue(identity), user: identity };
  });
  return router;
}
