import { generateKeyPairSync } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { logSink } from '../test/support/log-sink';
import { createLogger, withLogContext } from './logger';
import { SpanKind, inSpan, installTracing } from './tracing';

installTracing({ serviceName: 'logger-test', spanProcessor: new SimpleSpanProcessor(new InMemorySpanExporter()) });

/** A merchant key like the one WeChat Pay gives, made for this run (never a key kept in the repository). */
const aPrivateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A logger writing into memory; returns the parsed JSON lines. */
function capturingLogger() {
  const { sink, entries, raw } = logSink();
  return { logger: createLogger({ level: 'info', name: 'redaction-test' }, sink), entries, raw };
}

describe('log redaction', () => {
  it.each([
    ['a password', 'hunter2-secret-value', (v: string) => ({ password: v })],
    ['a bearer token in request headers', 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', (v: string) => ({ req: { headers: { authorization: v } } })],
    ['a WeChat openid of a user', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', (v: string) => ({ user: { openid: v } })],
    ['a phone number of a driver', '13800138000', (v: string) => ({ driver: { phone: v } })],
    ['a WeChat session key', 'tiihtNczf5v6AKRyjwEUhQ==', (v: string) => ({ wechat: { session_key: v } })],
    ['an API secret', 'wechat-app-secret-0123456789abcdef', (v: string) => ({ secret: v })],
    ['a payment private key', aPrivateKeyPem, (v: string) => ({ merchant: { privateKey: v } })],
  ])('keeps %s out of the log line', (_what, secret, fieldsWith) => {
    const { logger, raw } = capturingLogger();
    logger.info(fieldsWith(secret), 'something happened');
    expect(raw()).not.toContain(secret);
    expect(raw()).toContain('[redacted]');
  });

  it('keeps the fields an operator needs to follow a session', () => {
    const { logger, entries } = capturingLogger();
    logger.info({ sessionId: 's-123', pileId: 'p-7', requestId: 'r-9', amountFen: 1234 }, 'session settled');
    expect(entries()[0]).toMatchObject({ sessionId: 's-123', pileId: 'p-7', requestId: 'r-9', amountFen: 1234, msg: 'session settled' });
  });

  it('redacts in child loggers too', () => {
    const { logger, raw } = capturingLogger();
    logger.child({ component: 'wechat-login' }).warn({ openId: 'oUpF8uMuAJO_secret_openid' }, 'login refused');
    expect(raw()).not.toContain('oUpF8uMuAJO_secret_openid');
  });
});

describe('log lines that tell one story', () => {
  it('puts the context of the work in hand on every line written inside it, however deep', async () => {
    const { logger, entries } = capturingLogger();
    await withLogContext({ pileId: 'p-7' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      withLogContext({ sessionId: 's-123' }, () => logger.child({ component: 'gateway' }).info('checkpoint sent'));
    });
    logger.info('outside');
    expect(entries()[0]).toMatchObject({ pileId: 'p-7', sessionId: 's-123', msg: 'checkpoint sent' });
    expect(entries()[1]).not.toHaveProperty('pileId');
  });

  it('puts the trace and span ids of the active span on the line', async () => {
    const { logger, entries } = capturingLogger();
    const ids = await inSpan('request', { kind: SpanKind.SERVER }, async (span) => {
      logger.info('handling');
      return span.spanContext();
    });
    expect(entries()[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });
});
