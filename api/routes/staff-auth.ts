import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { currentUser, isStaff } from '../auth';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';
import { parseBody } from '../validation';

const signInBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  code: z.string().trim().max(16).optional(),
});

const totpBody = z.object({ code: z.string().trim().max(16).optional() }).strict();

/** Staff sign-in by username and password (and TOTP code once enrolled); public, before authentication. */
export function staffSignInRoutes(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/auth' });
  const limit = rateLimit(deps.hot, { keyPrefix: 'rl:auth', points: deps.rateLimits.loginsPerMinute, durationSeconds: 60 });

  /** ctx.ip is X-Forwarded-For's first entry only when TRUST_PROXY is set (the app's `proxy`). */
  router.post('/staff-login', limit, async (ctx) => {
    ctx.body = await deps.staff.signIn(parseBody(ctx, signInBody), ctx.ip);
  });
  return router;
}

/** A signed-in staff member's own account: TOTP enrolment. */
export function staffAccountRoutes(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/auth' });

  router.post('/staff-totp', async (ctx) => {
    const user = currentUser(ctx);
    if (!isStaff(user)) throw new DomainError('FORBIDDEN', 'TOTP is for staff accounts');
    const { code } = parseBody(ctx, totpBody);
    ctx.body = await deps.staff.enrolTotp(user, code);
  });
  return router;
}
