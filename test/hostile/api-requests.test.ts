import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { Registry } from 'prom-client';
import { apiRouters, createApp } from '../../api/app';
import { startTestApi, type TestApi } from '../support/api-harness';
import { aSession, aStation } from '../support/driver-data';
import { createLocalEnv } from '../support/temporal';

/**
 * Generated hostile requests against the whole API (in-process, SQLite and MariaDB, Redis, a Temporal dev server): random
 * routes, methods, ids, query strings, headers and bodies, with forged tokens and other users' tokens. However
 * wrong the request, the API answers 4xx with `{error:{code,message}}` or 2xx, never 5xx, and no wallet or hold moves.
 */
const RUNS = 1_000;
const REQUESTS_PER_RUN = 10;

/** A large body that a failing example prints as a short label. */
const shown = (body: Buffer, label: string) => Object.assign(body, { [fc.toStringMethod]: () => label });

interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

describe.each(['SQLite', 'MariaDB'] as const)('hostile requests to the API on %s', (database) => {
  let t: TestApi;
  let temporal: TestWorkflowEnvironment;
  let server: http.Server;
  let agent: http.Agent;
  let port: number;
  let routeTemplates: string[];
  const known: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    temporal = await createLocalEnv();
    t = await startTestApi({}, { AUTH_DEV_LOGIN_STAFF: 'true' }, { temporal: temporal.client, database });
    const station = await aStation(t, { piles: [{ type: 'fast' }] });
    const alice = await t.login('fuzz-alice');
    const bob = await t.login('fuzz-bob');
    tokens.alice = alice.token;
    tokens.bob = bob.token;
    tokens.operator = (await t.login('fuzz-operator', 'operator')).token;
    await t.http.post('/api/v1/wallet/top-ups').set('authorization', `Bearer ${alice.token}`).send({ amountFen: 9000 }).expect(201);
    await t.deps.wallet.authorize({ sessionId: 'fuzz-held', userId: alice.userId, limits: {}, policy: { minHoldFen: 1000, maxHoldFen: 3000 } });
    const who = (userId: string) => ({ userId, stationId: station.stationId, pileId: station.pileIds[0] });
    Object.assign(known, {
      aliceCharging: (await aSession(t, who(alice.userId), { status: 'CHARGING' })).id,
      aliceCompleted: (await aSession(t, who(alice.userId), { status: 'COMPLETED' })).id,
      bobFailed: (await aSession(t, who(bob.userId), { status: 'SETTLEMENT_FAILED' })).id,
      aliceComplaint: (await t.http.post('/api/v1/feedback').set('authorization', `Bearer ${alice.token}`).send({ kind: 'complaint', content: 'the pile was dirty' }).expect(201)).body.id,
      station: station.stationId,
      pile: station.pileCodes[0],
      aliceId: alice.userId,
    });
    tokens.forgedAdmin = jwt.sign({ name: 'mallory', role: 'admin' }, 'not-the-secret-but-long-enough-to-sign-hs256', { subject: alice.userId });
    tokens.unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: alice.userId, name: 'x', role: 'admin' })).toString('base64url')}.`;
    tokens.garbage = 'not.a.jwt';

    routeTemplates = [...apiRouters(t.deps).publicRoutes, ...apiRouters(t.deps).protectedRoutes].flatMap((router) => router.stack.map((layer) => String(layer.path)));
    server = http.createServer(createApp({ ...t.deps, metrics: new Registry(), topUps: undefined }).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    agent = new http.Agent({ keepAlive: true, maxSockets: REQUESTS_PER_RUN });
  }, 120_000);

  afterAll(async () => {
    agent?.destroy();
    await new Promise((resolve) => server?.close(resolve));
    await t?.stop();
    await temporal?.teardown();
  });

  /** Every wallet with money in it and every hold (reading a wallet may create an empty one; that moves no money). */
  const wallets = () => t.deps.wallet.moneySnapshot();

  function send(request: HostileRequest): Promise<{ status: number; contentType: string; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request({ host: '127.0.0.1', port, agent, method: request.method, path: request.path, headers: request.headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  const hostileRequest = (): fc.Arbitrary<HostileRequest> => {
    const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
    const oddSegment = fc.constantFrom('%00', 'a%00b', '%ZZ', '%E0%A4%A', '%C0%AE%C0%AE', '..', '%2e%2e%2f', '%252e', "'%20OR%201=1--", '-1', '0', '1e309', 'NaN', 'null', '__proto__', 'constructor', 'x'.repeat(3000));
    const id = fc.oneof(
      fc.constantFrom(...Object.values(known)).map((value) => encodeURIComponent(value)),
      fc.uuid().map(String),
      fc.string({ maxLength: 80 }).filter((s) => s.length > 0).map(encodeURIComponent),
      oddSegment,
    );
    const routePath = fc.tuple(fc.constantFrom(...routeTemplates), fc.array(id, { minLength: 3, maxLength: 3 })).map(([template, ids]) => {
      let i = 0;
      return template.replace(/:[A-Za-z]+/g, () => ids[i++]);
    });
    const randomPath = fc.array(fc.oneof(id, fc.constantFrom('api', 'v1', 'admin', 'sessions', 'wallet', 'ws', 'metrics')), { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    const queryString = fc.oneof(
      fc.constant(''),
      fc.dictionary(fc.constantFrom('limit', 'before', 'status', 'needsReview', 'lat', 'lng', 'radiusKm', 'type', 'token', '__proto__'), fc.oneof(printable, fc.constantFrom('-1', '1e999', '0x10', 'true', '[]', '%00'))).map(
        (q) => `?${new URLSearchParams(q).toString()}`,
      ),
      fc.constantFrom('?limit[]=1&limit[]=2', '?a[b][c][d]=1', '?limit=%00', '?%ZZ=1', '?before=9999-99-99'),
    );
    const path = fc.tuple(fc.oneof({ weight: 4, arbitrary: routePath }, { weight: 1, arbitrary: randomPath }), queryString).map(([p, q]) => p + q);
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(...Object.keys(tokens)).map((who) => `Bearer ${tokens[who]}`),
      printable.map((s) => `Bearer ${s}`),
      printable,
    );
    const fieldNames = fc.constantFrom('name', 'role', 'amountFen', 'pileCode', 'reserve', 'limits', 'reason', 'content', 'kind', 'rating', 'code', 'plate', 'stationId', 'sessionId', 'orderId', 'maxAmountFen', '__proto__', 'constructor');
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      fc.dictionary(fieldNames, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('admin', 'operator', 1e308, -1, 0.5, 2 ** 53, 'x'.repeat(10_000))), { maxKeys: 5 }).map((v) => Buffer.from(JSON.stringify(v))),
      fc.constantFrom('{', '{"a":', 'nul', '[1,]', '\u0000', '{"amountFen": 1e999}', '{"role":"admin","__proto__":{"role":"admin"}}').map((s) => Buffer.from(s)),
      fc.integer({ min: 100, max: 20_000 }).map((depth) => shown(Buffer.from('['.repeat(depth) + ']'.repeat(depth)), `<JSON nested ${depth} deep>`)),
      fc.constant(shown(Buffer.from(JSON.stringify({ content: 'x'.repeat(70_000) })), '<70 KB of JSON>')),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from([0xc3, 0x28, ...bytes])),
    );
    const contentType = fc.oneof(
      fc.constant('application/json'),
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', 'application/json; charset=utf-32'),
      printable,
    );
    return fc
      .record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'),
        path,
        authorization,
        body,
        contentType,
        idempotencyKey: fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), { nil: undefined }),
        forwardedFor: fc.option(fc.ipV4(), { nil: undefined }),
      })
      .map(({ method, path, authorization, body, contentType, idempotencyKey, forwardedFor }) => ({
        method,
        path,
        body,
        headers: {
          ...(authorization !== undefined ? { authorization } : {}),
          ...(body !== undefined ? { 'content-type': contentType, 'content-length': String(body.length) } : {}),
          ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
          ...(forwardedFor !== undefined ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      }));
  };

  it('answers 10,000 generated requests without a 5xx, with a JSON error for every 4xx, and moves no money', async () => {
    const before = await wallets();
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRequest(), { minLength: REQUESTS_PER_RUN, maxLength: REQUESTS_PER_RUN }), async (requests) => {
        const answers = await Promise.all(requests.map(send));
        for (const [i, answer] of answers.entries()) {
          const what = `${requests[i].method} ${requests[i].path.slice(0, 200)} -> ${answer.status} ${answer.body.slice(0, 200)}`;
          if (answer.status >= 500) throw new Error(`server error: ${what}`);
          if (answer.status >= 400 && requests[i].method !== 'HEAD') {
            let parsed: { error?: { code?: unknown; message?: unknown } };
            try {
              parsed = JSON.parse(answer.body);
            } catch {
              throw new Error(`a ${answer.status} without a JSON body: ${what}`);
            }
            if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string') throw new Error(`a ${answer.status} without {error:{code,message}}: ${what}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
    expect(await wallets()).toEqual(before);
    expect((await send({ method: 'GET', path: '/healthz', headers: {} })).status).toBe(200);
  }, 180_000);
});
