import type { Context } from 'koa';
import { z } from 'zod';
import { DomainError } from '../domain/errors';

/** Parses `value` with `schema`; a failure is a 400 naming the first offending field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.');
  throw new DomainError('VALIDATION_FAILED', `${field || where}: ${issue.message}`, field ? { field } : {});
}

export const parseBody = <S extends z.ZodType>(ctx: Context, schema: S) => parse(schema, (ctx.request as { body?: unknown }).body, 'body');
export const parseQuery = <S extends z.ZodType>(ctx: Context, schema: S) => parse(schema, ctx.query, 'query');

/** Money in requests: whole fen, positive, at most 10,000 yuan per operation. */
export const fenAmount = z.number().int('must be a whole number of fen').positive().max(1_000_000);

/** Optional client-chosen key that makes a POST safe to retry. */
export function idempotencyKey(ctx: Context): string | undefined {
  const key = ctx.get('Idempotency-Key');
  if (!key) return undefined;
  if (key.length > 100) throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key: at most 100 characters', { field: 'Idempotency-Key' });
  return key;
}
