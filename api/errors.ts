import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Context, Next } from 'koa';
import { ZodError } from 'zod';
import { DomainError, ErrorCode, isErrorCode } from '../domain/errors';
import type { Logger } from '../infra/logger';

/** The one map from error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_BALANCE: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PILE_BUSY: 409,
  PILE_UNAVAILABLE: 409,
  SESSION_STATE_CONFLICT: 409,
  RATE_LIMITED: 429,
  UPSTREAM_FAILED: 502,
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

/** Koa middleware: every error becomes `{error: {code, message, field?}}`; a 5xx never shows its internals. */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (raw) {
      const error = toDomainError(raw);
      if (error instanceof DomainError) {
        ctx.status = HTTP_STATUS[error.code];
        ctx.body = { error: { code: error.code, message: error.message, ...(error.details.field ? { field: error.details.field } : {}) } };
        return;
      }
      const status = (error as { status?: number; expose?: boolean }).status;
      if (status && status < 500 && (error as { expose?: boolean }).expose) {
        ctx.status = status;
        ctx.body = { error: { code: status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', message: (error as Error).message } };
        return;
      }
      logger.error({ err: error, requestId: ctx.state.requestId, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: `internal error; quote request id ${ctx.state.requestId}` } };
    }
  };
}
