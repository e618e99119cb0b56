import Router from '@koa/router';
import type { ApiDeps } from '../context';

/** A probe that has not answered within this long counts as down: /readyz answers within it, whatever hangs. */
export const PROBE_TIMEOUT_MS = 2_000;

/** /healthz: the process is up. /readyz: its dependencies answer, each within PROBE_TIMEOUT_MS. */
export function healthRoutes({ db, hot, temporal }: Pick<ApiDeps, 'db' | 'hot' | 'temporal'>): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = {
      database: () => db.sequelize.authenticate(),
      redis: () => hot.ping(),
      // A deadline on the call itself, so a hung frontend leaves no call retrying behind the answer.
      temporal: () => temporal.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({})),
    };
    const results = Object.fromEntries(
      await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check, PROBE_TIMEOUT_MS)])),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks: results };
  });
  return router;
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => 'ok'), timeout]);
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
