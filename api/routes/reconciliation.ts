import Router from '@koa/router';
import { z } from 'zod';
import type { ReconciliationMismatch, ReconciliationRun } from '../../db/models';
import { DomainError } from '../../domain/errors';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody, parseQuery } from '../validation';

const billDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'must be a real date');
const mismatchQuery = z
  .object({
    state: z.enum(['open', 'resolved']).default('open'),
    date: billDate.optional(),
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }).strict();
const resolveBody = z.object({ note: z.string().trim().min(3).max(500) }).strict();
const runBody = z.object({ date: billDate }).strict();

const runView = (r: ReconciliationRun) => ({ id: r.id, billDate: r.billDate, provider: r.provider, providerLines: r.providerLines, booksLines: r.booksLines, mismatches: r.mismatches, ranAt: r.ranAt });
const mismatchView = (m: ReconciliationMismatch) => ({
  id: m.id,
  billDate: m.billDate,
  provider: m.provider,
  kind: m.kind,
  movement: m.movement,
  reference: m.reference,
  booksFen: m.booksFen,
  providerFen: m.providerFen,
  foundAt: m.foundAt,
  resolvedAt: m.resolvedAt,
  resolvedBy: m.resolvedById ? { id: m.resolvedById, name: m.resolvedByName } : null,
  note: m.note,
});

/** Finance and support: each day's reconciliation with the payment provider, the lines that disagree, resolving them. */
export function reconciliationRoutes({ reconciliation, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/reconciliation' });
  const finance = requireRole('support', 'admin');

  router.get('/runs', finance, async (ctx) => {
    const { limit } = parseQuery(ctx, runsQuery);
    ctx.body = { runs: (await reconciliation.books.runs(limit)).map(runView) };
  });

  router.post('/runs', finance, async (ctx) => {
    const { date } = parseBody(ctx, runBody);
    if (!reconciliation.runs) throw new DomainError('CONFLICT', 'no payment provider to reconcile with is configured (WECHAT_PAY_ settings)');
    const runs = reconciliation.runs;
    const workflowId = await audit.witness(auditActor(currentUser(ctx)), { action: 'reconciliation.run', target: `bill:${date}` }, () => runs.start(date));
    ctx.status = 202;
    ctx.body = { workflowId };
  });

  router.get('/mismatches', finance, async (ctx) => {
    const { cursor, date, ...filter } = parseQuery(ctx, mismatchQuery);
    const rows = await reconciliation.books.mismatches({ ...filter, billDate: date, before: cursor });
    ctx.body = { mismatches: rows.map(mismatchView), nextCursor: rows.length === filter.limit ? rows[rows.length - 1].id : undefined };
  });

  router.post('/mismatches/:id/resolve', finance, async (ctx) => {
    const id = z.coerce.number().int().positive().safeParse(ctx.params.id);
    if (!id.success) throw new DomainError('NOT_FOUND', `no mismatch ${ctx.params.id}`);
    const { note } = parseBody(ctx, resolveBody);
    const staff = currentUser(ctx);
    const resolved = await audit.witness(auditActor(staff), { action: 'reconciliation.resolve', target: `mismatch:${id.data}`, reason: note }, () =>
      reconciliation.books.resolve(id.data, { id: staff.id, name: staff.name }, note, Date.now()),
    );
    ctx.body = { mismatch: mismatchView(resolved) };
  });

  return router;
}
