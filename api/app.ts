import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import Koa from 'koa';
import { Histogram } from 'prom-client';
import { withLogContext } from '../infra/logger';
import { SpanKind, inSpan } from '../infra/tracing';
import { authenticate } from './auth';
import { serveConsole } from './console-static';
import type { ApiDeps } from './context';
import { errorHandler } from './errors';
import { refuseNulCharacters } from './validation';
import { adminRoutes } from './routes/admin';
import { alarmRoutes } from './routes/alarms';
import { reconciliationRoutes } from './routes/reconciliation';
import { alertWebhookRoutes } from './routes/alert-webhook';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { driverRoutes, publicDriverRoutes } from './routes/driver';
import { fleetAdminRoutes } from './routes/fleet-admin';
import { healthRoutes } from './routes/health';
import { sessionRoutes } from './routes/sessions';
import { payscoreAuthorizationRoutes } from './routes/payscore-authorization';
import { pileCommandRoutes } from './routes/pile-commands';
import { idTagRoutes } from './routes/id-tags';
import { staffAdminRoutes } from './routes/staff-admin';
import { staffAccountRoutes, staffSignInRoutes } from './routes/staff-auth';
import { stationRoutes } from './routes/stations';
import { statsRoutes } from './routes/stats';
import { walletRoutes } from './routes/wallet';
import { usersAdminRoutes } from './routes/users-admin';

/** Every router of the API: public ones answer before authentication, protected ones after. */
export function apiRouters(deps: ApiDeps): { publicRoutes: Router[]; protectedRoutes: Router[] } {
  return {
    publicRoutes: [healthRoutes(deps), authRoutes(deps), staffSignInRoutes(deps), stationRoutes(deps), alertWebhookRoutes(deps), ...publicDriverRoutes(deps)],
    protectedRoutes: [walletRoutes(deps), sessionRoutes(deps), payscoreAuthorizationRoutes(deps), adminRoutes(deps), staffAccountRoutes(deps), staffAdminRoutes(deps), auditRoutes(deps), fleetAdminRoutes(deps), pileCommandRoutes(deps), idTagRoutes(deps), alarmRoutes(deps), reconciliationRoutes(deps), usersAdminRoutes(deps), statsRoutes(deps), ...driverRoutes(deps)],
  };
}

/**
 * The Koa application. Order: request id → errors → access log and metrics → body → console files (/console) → public routes →
 * authentication → protected routes. `app.callback()` serves tests without a port.
 */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa({ proxy: deps.edge.trustProxy });
  const requestSeconds = new Histogram({
    name: 'evcp_api_request_seconds',
    help: 'API request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.metrics],
  });

  // Each request is a span (continuing a caller's W3C trace) and every log line written for it has its request id.
  app.use(async (ctx, next) => {
    const requestId = ctx.get('X-Request-Id') || randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    await inSpan(`${ctx.method} request`, { kind: SpanKind.SERVER, carrier: ctx.headers, attributes: { 'http.request.method': ctx.method, 'url.path': ctx.path, 'request.id': requestId } }, async (span) => {
      await withLogContext({ requestId }, next);
      const route = (ctx as { _matchedRoute?: string })._matchedRoute;
      if (route) span.updateName(`${ctx.method} ${route}`);
      span.setAttribute('http.response.status_code', ctx.status);
    });
  });
  app.use(errorHandler(deps.logger));
  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      requestSeconds.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
      deps.logger.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', onError: (_err, ctx) => ctx.throw(400, 'body must be valid JSON') }));
  app.use(refuseNulCharacters);
  app.use(serveConsole());

  const { publicRoutes, protectedRoutes } = apiRouters(deps);
  for (const router of publicRoutes) app.use(router.routes()).use(router.allowedMethods());
  app.use(async (ctx, next) => {
    if (ctx.path === '/metrics') {
      ctx.type = deps.metrics.contentType;
      ctx.body = await deps.metrics.metrics();
      return;
    }
    await next();
  });

  app.use(async (ctx, next) => (ctx.path.startsWith('/api/v1/') ? authenticate(deps.tokens, deps.staff)(ctx, next) : next()));
  for (const router of protectedRoutes) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
