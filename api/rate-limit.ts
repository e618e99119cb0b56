import type { Context, Next } from 'koa';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '../domain/errors';
import type { HotState } from '../infra/hot-state';

/** Per-caller rate limit (rate-limiter-flexible over the hot store): the user when known, else the IP. */
export function rateLimit(hot: HotState, options: { keyPrefix: string; points: number; durationSeconds: number }) {
  const limiter = hot.rateLimiter(options);
  return async (ctx: Context, next: Next) => {
    const key = (ctx.state.user as { id?: string } | undefined)?.id ?? ctx.ip;
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      ctx.set('Retry-After', String(Math.ceil(rejection.msBeforeNext / 1000)));
      throw new DomainError('RATE_LIMITED', `too many requests; retry in ${Math.ceil(rejection.msBeforeNext / 1000)} s`);
    }
    await next();
  };
}
