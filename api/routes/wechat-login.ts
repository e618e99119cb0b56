import Router from '@koa/router';
import { z } from 'zod';
import { code2Session, type WeChatConfig } from '../../infra/wechat/code2session';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';
import { parseBody } from '../validation';

const loginBody = z.object({ code: z.string().trim().min(1).max(128) });

/** POST /auth/wechat-login: the mini-program's wx.login code for our JWT. `wechat` unset: login answers it is off. */
export function wechatLoginRoutes(deps: ApiDeps & { wechat?: WeChatConfig }): Router {
  const router = new Router({ prefix: '/api/v1/auth' });
  const limit = rateLimit(deps.hot, { keyPrefix: 'rl:wechat-login', points: deps.rateLimits.loginsPerMinute, durationSeconds: 60 });

  router.post('/wechat-login', limit, async (ctx) => {
    const { code } = parseBody(ctx, loginBody);
    const { openId } = await code2Session(deps.wechat, code);
    const user = await deps.wechatUsers.userFor(openId);
    const identity = { id: user.id, name: user.name, role: user.role };
    ctx.body = { token: deps.tokens.issue(identity), user: identity };
  });
  return router;
}
