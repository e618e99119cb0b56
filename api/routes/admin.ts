import Router from '@koa/router';
import { z } from 'zod';
import type { SessionDossier } from '../../db/session-dossier';
import { REVIEW_DECISIONS, REVIEW_STATES, type ChargingSession, type SessionReview } from '../../db/models';
import type { Places } from '../../db/places';
import { DomainError } from '../../domain/errors';
import { SESSION_STATUSES } from '../../domain/session-state';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { commandResource } from '../pile-command-service';
import { viewOfRecord } from '../session-service';
import { fenAmount, idempotencyKey, parse, parseBody, parseQuery } from '../validation';

/** The search's cursor: the last row's (createdAt, id), opaque to clients. */
const encodeCursor = (s: ChargingSession) => Buffer.from(`${s.createdAt.getTime()}~${s.id}`).toString('base64url');
const cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const [ms, id] = Buffer.from(value, 'base64url').toString().split('~');
    const at = Number(ms);
    if (!Number.isSafeInteger(at) || !id || id.length > 36) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a cursor of this list' });
      return z.NEVER;
    }
    return { createdAt: new Date(at), id };
  });

const sessionQuery = z
  .object({
    pile: z.string().min(1).max(64).optional(),
    station: z.string().min(1).max(64).optional(),
    driver: z.string().min(1).max(36).optional(),
    status: z.enum(SESSION_STATUSES).optional(),
    needsReview: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    reviewState: z.enum([...REVIEW_STATES, 'none']).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursor.optional(),
  })
  .strict();

const reviewBody = z
  .object({
    reviewId: z.string().uuid().optional(),
    decision: z.enum(REVIEW_DECISIONS),
    refundFen: fenAmount.optional(),
    note: z.string().trim().min(1).max(500),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.decision === 'adjust' && body.refundFen === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['refundFen'], message: 'required to adjust' });
    if (body.decision !== 'adjust' && body.refundFen !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['refundFen'], message: 'only an adjustment refunds' });
  });

const sessionId = z.string().min(1).max(36);

/** One row of the search: the session as the API shows it, with where it happened and its review state. */
function sessionRow(s: ChargingSession, places: Places) {
  return {
    ...viewOfRecord(s),
    pileCode: places.pile(s.pileId)?.code ?? null,
    stationName: places.station(s.stationId)?.name ?? null,
    reviewState: s.reviewState ?? null,
    createdAt: s.createdAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
  };
}

export function reviewResource(r: SessionReview) {
  return {
    id: r.id,
    sessionId: r.sessionId,
    decision: r.decision,
    refundFen: r.refundFen,
    note: r.note,
    decidedBy: { id: r.staffId, name: r.staffName, role: r.staffRole },
    createdAt: r.createdAt.toISOString(),
  };
}

/** The session's own commands to its pile: one id per step, sent when the session entered STARTING / STOPPING. */
function sessionCommands({ session, events }: SessionDossier) {
  const sentAt = (status: string) => events.find((e) => e.toStatus === status)?.at.toISOString();
  const started = sentAt('STARTING');
  const stopped = sentAt('STOPPING');
  return [
    ...(started ? [{ commandId: `${session.id}:start`, type: 'start', sentAt: started }] : []),
    ...(stopped ? [{ commandId: `${session.id}:stop`, type: 'stop', sentAt: stopped }] : []),
  ];
}

/**
 * Back office sessions (issue 12): search (support, operator, admin), a session's page, support's settlement
 * retries, and staff's review decisions (operator, admin). Alarms: routes/alarms.ts.
 */
export function adminRoutes({ sessions, sessionRecords, audit, db, places: placeNames, sessionDossiers, sessionReviews, temporalUi }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin' });

  router.get('/sessions', requireRole('support', 'operator', 'admin'), async (ctx) => {
    const q = parseQuery(ctx, sessionQuery);
    const pile = q.pile ? await db.models.Pile.findOne({ where: { code: q.pile }, attributes: ['id'] }) : undefined;
    if (pile === null) {
      ctx.body = { sessions: [], nextCursor: null };
      return;
    }
    const page = await sessionRecords.search({
      pileId: pile?.id,
      stationId: q.station,
      userId: q.driver,
      status: q.status,
      needsReview: q.needsReview,
      reviewState: q.reviewState,
      from: q.from,
      to: q.to,
      after: q.cursor,
      limit: q.limit,
    });
    const places = await placeNames.of(page.sessions);
    ctx.body = {
      sessions: page.sessions.map((s) => sessionRow(s, places)),
      nextCursor: page.more ? encodeCursor(page.sessions[page.sessions.length - 1]) : null,
    };
  });

  router.get('/sessions/:id', requireRole('support', 'operator', 'admin'), async (ctx) => {
    const dossier = await sessionDossiers.of(parse(sessionId, ctx.params.id, 'id'));
    if (!dossier) throw new DomainError('NOT_FOUND', `no session ${ctx.params.id}`);
    const { session: s, order, hold } = dossier;
    const places = await placeNames.of([s]);
    const refund = dossier.reviews.find((r) => r.refundSessionId);
    ctx.body = {
      session: { ...sessionRow(s, places), workflowId: s.workflowId, tariff: s.tariff },
      station: places.station(s.stationId) ?? { id: s.stationId, name: '', address: '' },
      pile: places.pile(s.pileId) ?? { id: s.pileId, code: '', type: '', maxPowerW: 0 },
      timeline: dossier.events.map((e) => ({ seq: e.seq, from: e.fromStatus, to: e.toStatus, reason: e.reason, detail: e.detail, at: e.at.toISOString() })),
      bill: s.bill,
      meter: {
        startWh: s.meterStartWh,
        stopWh: s.meterStopWh,
        energyWh: s.energyWh,
        startedAt: s.startedAt?.toISOString() ?? null,
        stoppedAt: s.stoppedAt?.toISOString() ?? null,
      },
      payment: {
        mode: s.paymentMode,
        payscore: dossier.payscore && {
          outOrderNo: dossier.payscore.order.outOrderNo,
          state: dossier.payscore.order.state,
          riskFen: dossier.payscore.order.riskFen,
          totalFen: dossier.payscore.order.totalFen,
          refund: dossier.payscore.refund && { outRefundNo: dossier.payscore.refund.outRefundNo, amountFen: dossier.payscore.refund.amountFen, status: dossier.payscore.refund.status },
        },
        hold: hold && { amountFen: hold.amountFen, status: hold.status, capturedFen: hold.capturedFen, releasedFen: hold.releasedFen },
        order: order && { id: order.id, totalFen: order.totalFen, capturedFen: order.capturedFen, releasedFen: order.releasedFen, uncollectedFen: order.uncollectedFen, createdAt: order.createdAt.toISOString() },
        refundedFen: refund?.refundFen ?? 0,
        ledger: dossier.ledger.map((e) => ({ id: e.id, kind: e.kind, amountFen: e.amountFen, at: e.createdAt.toISOString() })),
      },
      sessionCommands: sessionCommands(dossier),
      commands: dossier.commands.map(commandResource),
      temporal: {
        workflowId: s.workflowId,
        url: temporalUi.url ? `${temporalUi.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(s.workflowId)}` : null,
      },
      reviews: dossier.reviews.map(reviewResource),
    };
  });

  router.post('/sessions/:id/retry-settlement', requireRole('support', 'admin'), async (ctx) => {
    const staff = currentUser(ctx);
    const id = ctx.params.id;
    ctx.body = await audit.witness(auditActor(staff), { action: 'session.retry-settlement', target: `session:${id}` }, () => sessions.retrySettlement(staff, id));
    ctx.status = 202;
  });

  router.post('/sessions/:id/review', requireRole('operator', 'admin'), async (ctx) => {
    const staff = currentUser(ctx);
    const id = parse(sessionId, ctx.params.id, 'id');
    const body = parseBody(ctx, reviewBody);
    const key = idempotencyKey(ctx);
    const reviewId = body.reviewId ?? (key ? z.string().uuid().safeParse(key).data : undefined);
    if (key && !reviewId) throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key: must be a UUID (the review id)', { field: 'Idempotency-Key' });
    const action = { action: `session.review.${body.decision}`, target: `session:${id}`, reason: body.note };
    const { review, created } = await audit.witness(auditActor(staff), action, () =>
      sessionReviews.decide({ sessionId: id, reviewId, decision: body.decision, refundFen: body.refundFen, note: body.note, staff }),
    );
    ctx.status = created ? 201 : 200;
    ctx.body = { review: reviewResource(review) };
  });

  return router;
}
