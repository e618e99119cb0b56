import Router from '@koa/router';
import type { Context } from 'koa';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { LOCAL_DAY_PATTERN, dayCount, monthsBetween } from '../../domain/operator-days';
import { requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { STATS_KINDS, type StatsKind, type StatsReport } from '../stats-reports';
import { parse, parseQuery } from '../validation';

const localDay = z.string().regex(LOCAL_DAY_PATTERN, 'must be a date YYYY-MM-DD');
/** A report spans at most this much: a year and a day of days, three years of months. */
const MAX_DAYS = 366;
const MAX_MONTHS = 36;

const statsQuery = z
  .object({
    from: localDay.optional(),
    to: localDay.optional(),
    granularity: z.enum(['day', 'month']).default('day'),
    stationId: z.string().min(1).max(64).optional(),
    by: z.enum(['period', 'station', 'pile']).default('period'),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

/** A spreadsheet would run a cell starting with one of these as a formula: text cells get a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

function toCsv(report: StatsReport): string {
  const rows = report.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v])));
  const columns = Object.keys(report.rows[0] ?? report.totals);
  // The byte-order mark makes spreadsheet programs read the Chinese station names as UTF-8.
  return `\uFEFF${stringify(rows, { header: true, columns })}`;
}

/** `?format=` decides; without it, an Accept header that prefers text/csv. */
const wantsCsv = (ctx: Context, format: string | undefined) => format === 'csv' || (format === undefined && ctx.accepts('application/json', 'text/csv') === 'text/csv');

/** The dashboards: GET /admin/stats/{energy,revenue,utilization,drivers}, as JSON or CSV of the same rows. */
export function statsRoutes({ statsReports }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/stats' });

  router.get('/:kind', requireRole('operator', 'support', 'admin'), async (ctx) => {
    const kind: StatsKind = parse(z.enum(STATS_KINDS), ctx.params.kind, 'kind');
    const { format, ...query } = parseQuery(ctx, statsQuery);
    if (kind === 'drivers' && query.by !== 'period') throw new DomainError('VALIDATION_FAILED', 'by: drivers are reported per period only', { field: 'by' });
    const period = statsReports.periodOf(query);
    const span = query.granularity === 'day' ? dayCount(period.from, period.to) : monthsBetween(period.from, period.to).length;
    if (span > (query.granularity === 'day' ? MAX_DAYS : MAX_MONTHS)) {
      throw new DomainError('VALIDATION_FAILED', `from: at most ${MAX_DAYS} days or ${MAX_MONTHS} months per report`, { field: 'from' });
    }
    const report = await statsReports.report({ kind, ...query });
    if (wantsCsv(ctx, format)) {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`${kind}-${query.by}-${report.from}-${report.to}.csv`);
      ctx.body = toCsv(report);
      return;
    }
    ctx.body = report;
  });

  return router;
}
