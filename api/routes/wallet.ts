import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { currentUser } from '../auth';
import type { Refund, Withdrawal } from '../../db/models';
import type { ApiDeps } from '../context';
import { rateLimit } from '../rate-limit';
import { fenAmount, idempotencyKey, parseBody, parseQuery } from '../validation';

const topUpBody = z.object({ amountFen: fenAmount });
const withdrawalBody = z.object({ amountFen: fenAmount }).strict();
const page = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

function walletView(w: { balanceFen: number; heldFen: number }) {
  return { balanceFen: w.balanceFen, heldFen: w.heldFen };
}

function withdrawalView({ withdrawal, refunds }: { withdrawal: Withdrawal; refunds: Refund[] }) {
  return {
    id: withdrawal.id,
    amountFen: withdrawal.amountFen,
    createdAt: withdrawal.createdAt,
    refunds: refunds.map((r) => ({ outRefundNo: r.outRefundNo, amountFen: r.amountFen, status: r.status, settledAt: r.settledAt })),
  };
}

/** The driver's prepaid wallet. Top-ups go to the configured provider (WeChat Pay, or the sandbox, which confirms at once). */
export function walletRoutes(deps: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/wallet' });

  router.get('/', async (ctx) => {
    ctx.body = walletView(await deps.wallet.wallet(currentUser(ctx).id));
  });

  router.post('/top-ups', rateLimit(deps.hot, { keyPrefix: 'rl:top-up', points: deps.rateLimits.topUpsPerMinute, durationSeconds: 60 }), async (ctx) => {
    const user = currentUser(ctx);
    const { amountFen } = parseBody(ctx, topUpBody);
    if (!deps.topUps) throw new DomainError('FORBIDDEN', 'top-ups are not configured on this server (PAYMENTS_PROVIDER)');
    // A frozen account takes no new money; a top-up already paid is still credited when its provider confirms it.
    await deps.driverAccounts.assertNotFrozen(user.id);
    const started = await deps.topUps.start({ userId: user.id, amountFen, idempotencyKey: `${user.id}:${idempotencyKey(ctx) ?? crypto.randomUUID()}` });
    ctx.status = 201;
    ctx.body = { ...started, wallet: walletView(await deps.wallet.wallet(user.id)) };
  });

  /** Unused balance back to the driver: refunded against the top-ups it came from, each refund followed by a workflow. */
  router.post('/withdrawals', rateLimit(deps.hot, { keyPrefix: 'rl:withdrawal', points: deps.rateLimits.topUpsPerMinute, durationSeconds: 60 }), async (ctx) => {
    const user = currentUser(ctx);
    const { amountFen } = parseBody(ctx, withdrawalBody);
    const opened = await deps.wallet.openWithdrawal({ userId: user.id, amountFen, idempotencyKey: `${user.id}:${idempotencyKey(ctx) ?? crypto.randomUUID()}`, nowMs: Date.now() });
    // Every time, a repeated request included: a crash between the withdrawal's commit and its watches is mended by the retry.
    for (const refund of opened.refunds) if (refund.status === 'processing') await deps.refunds.watch.watch(refund.outRefundNo);
    ctx.status = 201;
    ctx.body = { withdrawal: withdrawalView(opened), wallet: walletView(await deps.wallet.wallet(user.id)) };
  });

  router.get('/withdrawals', async (ctx) => {
    const { limit } = parseQuery(ctx, page);
    ctx.body = { withdrawals: (await deps.wallet.withdrawals(currentUser(ctx).id, limit)).map(withdrawalView) };
  });

  router.get('/transactions', async (ctx) => {
    const { limit } = parseQuery(ctx, page);
    const rows = await deps.wallet.transactions(currentUser(ctx).id, limit);
    ctx.body = {
      transactions: rows.map((t) => ({
        id: t.id,
        kind: t.kind,
        amountFen: t.amountFen,
        balanceAfterFen: t.balanceAfterFen,
        heldAfterFen: t.heldAfterFen,
        sessionId: t.sessionId,
        at: t.createdAt,
      })),
    };
  });

  return router;
}
