import Router from '@koa/router';
import type { ApiDeps } from '../context';

/** /healthz: the process is up. /readyz: its dependencies answer. */
export function healthRoutes({ db, hot, temporal }: ApiDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = {
      database: () => db.sequelize.authenticate(),
      redis: () => hot.ping(),
      temporal: () => temporal.workflowService.getSystemInfo({}),
    };
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await check();
            return [name, 'ok'];
          } catch (error) {
            return [name, `unreachable: ${(error as Error).message}`];
          }
        }),
      ),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks: results };
  });
  return router;
}
