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

const NUL = '\u0000';

/** True when a string anywhere in the value (walked without recursion, so any depth is safe) contains NUL. */
function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes(NUL)) return true;
    } else if (item && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        if (key.includes(NUL)) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

/**
 * Koa middleware: NUL has no place in an id, a query or a text field, and SQLite cannot even quote it. A request
 * carrying one in its path, query or JSON body is a 400 before any route sees it.
 */
export async function refuseNulCharacters(ctx: Context, next: () => Promise<unknown>) {
  let path = ctx.path;
  try {
    path = decodeURIComponent(ctx.path);
  } catch {
    // Malformed escapes stay as they are; the router treats them as literal text.
  }
  const where = path.includes(NUL) ? 'path' : containsNul(ctx.query) ? 'query' : containsNul((ctx.request as { body?: unknown }).body) ? 'body' : undefined;
  if (where) throw new DomainError('VALIDATION_FAILED', `${where}: must not contain NUL characters`, { field: where });
  await next();
}
