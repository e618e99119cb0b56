import Router from '@koa/router';
import { z } from 'zod';
import type { DriverDossier } from '../../db/driver-accounts';
import { decodeCursor } from '../../db/page-cursor';
import type { User } from '../../db/models';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody, parseQuery } from '../validation';

const searchQuery = z
  .object({
    /** A user id, WeChat openid, phone (or its first digits) or the start of a nickname. */
    q: z.string().trim().max(100).optional(),
    frozen: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /** The previous page's nextCursor. */
    cursor: z.string().max(60).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

const reasonBody = z.object({ reason: z.string().trim().min(3).max(500) }).strict();

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A driver as lists show them. */
export function driverView(u: User) {
  return { id: u.id, name: u.name, phone: u.phone ?? null, wechatOpenId: u.wechatOpenId, createdAt: iso(u.createdAt), frozenAt: iso(u.frozenAt), frozenReason: u.frozenReason ?? null };
}

/**
 * Drivers in the console. Operators, support and admins may look a driver up (operators start sessions on a driver's
 * behalf and need to see who that is); freezing and unfreezing, an account sanction, is support's and admins' alone.
 */
export function usersAdminRoutes({ driverAccounts, places, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/users' });
  const readers = requireRole('operator', 'support', 'admin');
  const sanctioners = requireRole('support', 'admin');

  router.get('/', readers, async (ctx) => {
    const { cursor, ...filter } = parseQuery(ctx, searchQuery);
    const page = await driverAccounts.search({ ...filter, cursor: cursor ? decodeCursor(cursor) : undefined });
    ctx.body = { users: page.users.map(driverView), nextCursor: page.nextCursor };
  });

  router.get('/:id', readers, async (ctx) => {
    const dossier = await driverAccounts.dossier(ctx.params.id);
    const named = await places.of(dossier.sessions);
    ctx.body = dossierView(dossier, named);
  });

  router.post('/:id/freeze', sanctioners, async (ctx) => {
    const { reason } = parseBody(ctx, reasonBody);
    const staff = currentUser(ctx);
    const user = await audit.witness(auditActor(staff), { action: 'user.freeze', target: `user:${ctx.params.id}`, reason }, () =>
      driverAccounts.freeze(ctx.params.id, { reason, staffId: staff.id, at: new Date() }),
    );
    ctx.body = { user: driverView(user) };
  });

  router.post('/:id/unfreeze', sanctioners, async (ctx) => {
    const { reason } = parseBody(ctx, reasonBody);
    const staff = currentUser(ctx);
    const user = await audit.witness(auditActor(staff), { action: 'user.unfreeze', target: `user:${ctx.params.id}`, reason }, () => driverAccounts.unfreeze(ctx.params.id));
    ctx.body = { user: driverView(user) };
  });

  return router;
}

type Places = Awaited<ReturnType<ApiDeps['places']['of']>>;

function dossierView(d: DriverDossier, places: Places) {
  return {
    user: { ...driverView(d.user), frozenBy: d.frozenBy },
    wallet: d.wallet,
    holds: d.holds.map((h) => ({ sessionId: h.sessionId, amountFen: h.amountFen, status: h.status, capturedFen: h.capturedFen, releasedFen: h.releasedFen, createdAt: iso(h.createdAt) })),
    transactions: d.transactions.map((t) => ({ id: t.id, kind: t.kind, amountFen: t.amountFen, balanceAfterFen: t.balanceAfterFen, heldAfterFen: t.heldAfterFen, sessionId: t.sessionId, at: iso(t.createdAt) })),
    orders: d.sessions.map((s) => {
      const pile = places.pile(s.pileId);
      const station = places.station(s.stationId);
      return {
        id: s.id,
        status: s.status,
        pile: pile ? { id: pile.id, code: pile.code } : { id: s.pileId, code: null },
        station: station ? { id: station.id, name: station.name } : { id: s.stationId, name: null },
        startedAt: iso(s.startedAt),
        endedAt: iso(s.endedAt),
        energyWh: s.energyWh ?? 0,
        totalFen: s.bill?.totalFen ?? null,
        endReason: s.endReason,
        needsReview: s.needsReview,
        createdAt: iso(s.createdAt),
      };
    }),
    vehicles: d.vehicles.map((v) => ({ id: v.id, plate: v.plate, model: v.model, connectorType: v.connectorType })),
    feedback: d.feedback.map((f) => ({ id: f.id, kind: f.kind, status: f.status, content: f.content, assigneeId: f.assigneeId ?? null, createdAt: iso(f.createdAt), updatedAt: iso(f.updatedAt) })),
  };
}
