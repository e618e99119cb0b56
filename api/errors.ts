import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Context, Next } from 'koa';
import { ZodError } from 'zod';
import { DomainError, type ErrorCode, isErrorCode } from '../domain/errors';
import type { Logger } from '../infra/logger';

/** The one map from error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_BALANCE: 402,
  PAYMENT_DECLINED: 402,
  PAYSCORE_NOT_ENABLED: 402,
  FORBIDDEN: 403,
  ACCOUNT_FROZEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PILE_BUSY: 409,
  PILE_UNAVAILABLE: 409,
  SESSION_STATE_CONFLICT: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UPSTREAM_FAILED: 502,
  LEDGER_UNBALANCED: 500,
};

/** Turns what a workflow or validation said into a DomainError; anything else is returned unchanged. */
export function toDomainError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return new DomainError('VALIDATION_FAILED', `${issue.path.join('.') || 'body'}: ${issue.message}`, { field: issue.path.join('.') || undefined });
  }
  const failure = error instanceof WorkflowUpdateFailedError ? error.cause : error;
  if (failure instanceof ApplicationFailure && isErrorCode(failure.type)) return new DomainError(failure.type, failure.message);
  if (error instanceof WorkflowNotFoundError) return new DomainError('SESSION_STATE_CONFLICT', 'the session has already ended');
  if (error instanceof WorkflowExecutionAlreadyStartedError) return new DomainError('SESSION_STATE_CONFLICT', 'this request was already made');
  return error;
}

/** The code of a 4xx that Koa or a library answered without one (a 404 or 405 of the router, a 413 of the body parser). */
function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  return 'VALIDATION_FAILED';
}

/**
 * Koa middleware: every error becomes `{error: {code, message, field?}}`, including Koa's own bodiless 404 and the
 * router's 405 (a method no route implements is a 405 as well, not the router's 501); a 5xx never shows its internals.
 */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 501) ctx.status = 405;
      if (ctx.status >= 400 && ctx.status < 500 && ctx.body == null) {
        const code = codeForStatus(ctx.status);
        const messages: Partial<Record<ErrorCode, string>> = { NOT_FOUND: `no route ${ctx.method} ${ctx.path}`, METHOD_NOT_ALLOWED: `${ctx.method} is not allowed here` };
        const status = ctx.status; // Koa turns an unset status into 200 once a body is set
        ctx.body = { error: { code, message: messages[code] ?? ctx.message } };
        ctx.status = status;
      }
    } catch (raw) {
      const error = toDomainError(raw);
      if (error instanceof DomainError && HTTP_STATUS[error.code] !== 500) {
        if (typeof error.details.retryAfterSeconds === 'number') ctx.set('Retry-After', String(error.details.retryAfterSeconds));
        ctx.status = HTTP_STATUS[error.code];
        ctx.body = { error: { code: error.code, message: error.message, ...(error.details.field ? { field: error.details.field } : {}) } };
        return;
      }
      const status = (error as { status?: number; expose?: boolean }).status;
      if (status && status < 500 && (error as { expose?: boolean }).expose) {
        ctx.status = status;
        ctx.body = { error: { code: codeForStatus(status), message: (error as Error).message } };
        return;
      }
      logger.error({ err: error, requestId: ctx.state.requestId, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: `internal error; quote request id ${ctx.state.requestId}` } };
    }
  };
}
