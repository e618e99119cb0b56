import net from 'node:net';
import WebSocket from 'ws';
import { CLOSE_CODES } from '../../api/live-socket';
import { LiveClient, eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const MAX_CONNECTIONS_PER_IP = 6;
const MAX_SUBSCRIPTIONS = 3;

/**
 * Attacks on /ws against the whole platform in one process, as `npm start` runs it (embedded engines): each bad
 * client is closed with a close code of its own, and the API, worker, gateway, broker and simulator keep serving.
 */
describe('the live socket under attack', () => {
  let t: TestSystem;
  let driverToken: string;

  beforeAll(async () => {
    t = await startTestSystem('embedded', {
      CHECKPOINT_INTERVAL_SECONDS: '1',
      WS_AUTH_GRACE_SECONDS: '1',
      WS_MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS_PER_IP),
      WS_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
      HTTP_HEADERS_TIMEOUT_SECONDS: '1',
    });
    driverToken = await t.login('attacked-driver');
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const wsUrl = (query = '') => `${t.api.replace(/^http/, 'ws')}/ws${query}`;

  /** A raw client; resolves once open. */
  async function attacker(query = ''): Promise<WebSocket> {
    const ws = new WebSocket(wsUrl(query));
    ws.on('error', () => undefined); // the server may cut it off mid-frame
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return ws;
  }
  const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

  it('closes an unauthenticated socket that sends a frame over 4 KiB with 1009', async () => {
    const ws = await attacker();
    const closed = closeCode(ws);
    ws.send('x'.repeat(4097));
    expect(await closed).toBe(1009);
  });

  it('closes a socket that sends a text frame of invalid UTF-8 with 1007', async () => {
    const ws = await attacker();
    const closed = closeCode(ws);
    ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
  });

  it('closes a socket that sends a binary frame with 1003', async () => {
    const ws = await attacker(`?token=${encodeURIComponent(driverToken)}`);
    const closed = closeCode(ws);
    ws.send(Buffer.from(JSON.stringify({ type: 'subscribe', stationId: t.stationId })), { binary: true });
    expect(await closed).toBe(CLOSE_CODES.unsupportedData);
  });

  it('closes a socket that fires 10,000 subscribe messages with 1008', async () => {
    const ws = await attacker(`?token=${encodeURIComponent(driverToken)}`);
    const closed = closeCode(ws);
    for (let i = 0; i < 10_000; i++) ws.send(JSON.stringify({ type: 'subscribe', stationId: `station-${i}` }));
    expect(await closed).toBe(CLOSE_CODES.policyViolation);
  });

  it('refuses subscriptions beyond the cap of one connection', async () => {
    const client = await LiveClient.connect(t.api, driverToken);
    for (let i = 0; i <= MAX_SUBSCRIPTIONS; i++) client.send({ type: 'subscribe', stationId: `capped-${i}` });
    const refused = await client.waitFor((m) => m.type === 'error');
    expect(refused.error.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(client.messages.filter((m) => m.type === 'subscribed')).toHaveLength(MAX_SUBSCRIPTIONS);
    client.close();
  });

  it('closes a socket that never authenticates once the grace period is over', async () => {
    const ws = await attacker();
    expect(await closeCode(ws)).toBe(CLOSE_CODES.unauthenticated);
  });

  it('drops a slow-loris upgrade whose headers never finish', async () => {
    const { port } = new URL(t.api);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n');
    const answer = await new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.once('close', () => resolve(received));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses more connections from one address than the cap, with 429 before the upgrade', async () => {
    const open = await Promise.all(Array.from({ length: MAX_CONNECTIONS_PER_IP }, () => attacker(`?token=${encodeURIComponent(driverToken)}`)));
    await expect(attacker()).rejects.toThrow('upgrade refused: 429');
    await Promise.all(open.map((ws) => ((ws.close(), closeCode(ws)))));
  });

  it('still serves: another driver authenticates, subscribes and receives live progress, and HTTP answers', async () => {
    const pileCode = t.takePile('fast');
    const token = await t.login('driver-after-the-attacks');
    expect((await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } })).status).toBe(201);
    await eventually(() => t.call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');
    const live = await eventually(
      () => LiveClient.connect(t.api, token).catch(() => undefined),
      (client) => client !== undefined,
    );
    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode } });
    expect(started.status).toBe(201);
    live!.send({ type: 'subscribe', sessionId: started.body.sessionId });
    await live!.waitFor((m) => m.type === 'session.progress' && m.energyWh > 0);
    expect((await t.call('POST', `/api/v1/sessions/${started.body.sessionId}/stop`, { token })).status).toBe(200);
    live!.close();
    expect((await t.call('GET', '/healthz')).status).toBe(200);
  }, 90_000);
});
