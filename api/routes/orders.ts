import Router from '@koa/router';
import { z } from 'zod';
import type { ChargingSession } from '../../db/models';
import type { Places } from '../../db/places';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { parseQuery } from '../validation';
import { reviewView } from './reviews';

const page = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  before: z.coerce.date().optional(),
});

/**
 * One line of the Orders page. Paid and refunded amounts are zero until the payment is settled. `refundFen` is the
 * hold's unused rest; `reviewRefundFen` what staff gave back of the paid amount after reviewing the order (issue 12).
 */
function orderView(s: ChargingSession, places: Places, reviewRefund?: { refundFen: number; at: Date }) {
  const bill = s.bill!;
  const paid = s.status === 'COMPLETED';
  return {
    id: s.id,
    status: paid ? 'paid' : 'payment_pending',
    station: places.station(s.stationId) ?? { id: s.stationId, name: '', address: '' },
    pile: places.pile(s.pileId) ?? { id: s.pileId, code: '', type: '', maxPowerW: 0 },
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    stoppedAt: s.stoppedAt,
    endReason: s.endReason,
    energyWh: bill.energyWh,
    totalFen: bill.totalFen,
    paidFen: paid ? bill.capturedFen : 0,
    refundFen: paid ? bill.releasedFen : 0,
    uncollectedFen: bill.uncollectedFen,
    /** `wallet`, or `payscore`: paid through WeChat Pay Score, and a review refund goes back to WeChat Pay. */
    paymentMode: s.paymentMode,
    reviewRefundFen: reviewRefund?.refundFen ?? 0,
    reviewRefundedAt: reviewRefund?.at.toISOString() ?? null,
  };
}

/** The driver's orders (sessions that produced a bill), newest first, paged with `before`; each with its bill and timeline. */
export function orderRoutes({ sessions, orderHistory: history, places: placeNames, reviews, sessionReviews }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/orders' });

  router.get('/', async (ctx) => {
    const q = parseQuery(ctx, page);
    const rows = await history.orders(currentUser(ctx).id, q);
    const [places, refunds] = await Promise.all([placeNames.of(rows), sessionReviews.refunds(rows.map((s) => s.id))]);
    ctx.body = {
      orders: rows.map((s) => orderView(s, places, refunds.get(s.id))),
      nextBefore: rows.length === q.limit ? rows[rows.length - 1].createdAt.toISOString() : null,
    };
  });

  router.get('/:id', async (ctx) => {
    const user = currentUser(ctx);
    const session = await history.order(user.id, ctx.params.id);
    const [places, timeline, review, refunds] = await Promise.all([
      placeNames.of([session]),
      sessions.timeline(user, session.id),
      reviews.ofSession(session.id),
      sessionReviews.refunds([session.id]),
    ]);
    ctx.body = { ...orderView(session, places, refunds.get(session.id)), limits: session.limits, bill: session.bill, timeline, review: review && reviewView(review) };
  });

  return router;
}
