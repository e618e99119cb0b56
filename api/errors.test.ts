import Koa from 'koa';
import request from 'supertest';
import { DomainError } from '../domain/errors';
import { createLogger } from '../infra/logger';
import { errorHandler } from './errors';

const appThrowing = (error: unknown) => {
  const app = new Koa();
  app.use(async (ctx, next) => {
    ctx.state.requestId = 'req-1';
    await next();
  });
  app.use(errorHandler(createLogger({ level: 'silent', name: 'errors-test' })));
  app.use(() => {
    throw error;
  });
  return app.callback();
};

describe('the error map', () => {
  it('answers a domain refusal with its status, code and message', async () => {
    const response = await request(appThrowing(new DomainError('INSUFFICIENT_BALANCE', 'the balance is 0 fen'))).get('/');
    expect(response.status).toBe(402);
    expect(response.body).toEqual({ error: { code: 'INSUFFICIENT_BALANCE', message: 'the balance is 0 fen' } });
  });

  it('answers an unbalanced journal entry as an internal error, without its internals', async () => {
    const response = await request(appThrowing(new DomainError('LEDGER_UNBALANCED', 'journal entry k: debits 100 fen ≠ credits 99 fen'))).get('/');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error; quote request id req-1' } });
  });
});
