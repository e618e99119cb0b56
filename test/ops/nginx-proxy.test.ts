import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { eventually, LiveClient } from '../support/live-client';
import { TestCharger } from '../support/ocpp-charger';
import {
  checkNginx,
  composeLbEnvironment,
  composeLbService,
  layOutNginx,
  LB_TEMPLATE,
  type ShippedNginx,
  startShippedNginx,
  templateVariables,
} from '../support/shipped-nginx';
import { startTestSystem, type TestSystem } from '../support/system-harness';

const template = fs.readFileSync(LB_TEMPLATE, 'utf8');
/** What the config itself sets, so that the checks follow it. */
const bodyLimitBytes = Number(/client_max_body_size (\d+)k;/.exec(template)![1]) * 1024;
const hsts = /add_header Strict-Transport-Security "([^"]+)" always;/.exec(template)![1];

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  peer?: { issuer: tls.PeerCertificate['issuer']['CN']; fingerprint: string };
}

/** One request, over TLS verified against `ca` for https:// URLs. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false }, (response) => {
      const socket = response.socket as net.Socket & Partial<tls.TLSSocket>;
      const certificate = socket.getPeerCertificate?.();
      const peer = certificate && { issuer: certificate.issuer.CN, fingerprint: certificate.fingerprint256 };
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body, peer }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('the shipped nginx template (ops/nginx/evcp-lb.conf.template) as compose runs it', () => {
  it('uses exactly the LB_* variables that compose gives the lb service', () => {
    expect(templateVariables()).toEqual(Object.keys(composeLbEnvironment()).sort());
  });

  it('runs on an nginx image that has upstream `resolve` (1.27.3 and later)', () => {
    const lb = composeLbService();
    const [major, minor, patch] = /^nginx:\$\{NGINX_VERSION:-(\d+)\.(\d+)\.(\d+)-alpine\}$/.exec(lb.image)!.slice(1).map(Number);
    expect(major * 1_000_000 + minor * 1000 + patch).toBeGreaterThanOrEqual(1_027_003);
    expect(lb.environment.NGINX_ENVSUBST_FILTER).toBe('^LB_');
  });

  it('passes `nginx -t` rendered with compose environment and mounts', () => {
    const layout = layOutNginx(composeLbEnvironment());
    try {
      const checked = checkNginx(layout.dir);
      expect(checked.output).toContain('test is successful');
      expect(checked.status).toBe(0);
    } finally {
      fs.rmSync(layout.dir, { recursive: true, force: true });
    }
  });
});

/**
 * The same template on a real nginx in front of the embedded platform (API, OCPP central system) and a stand-in
 * for the Temporal UI, every listener on 127.0.0.1.
 */
describe('the shipped nginx proxy in front of the platform', () => {
  let t: TestSystem;
  let temporalUi: http.Server;
  let lb: ShippedNginx;
  let ca: string;

  beforeAll(async () => {
    t = await startTestSystem('embedded', { SIM_PILES: '1', AUTH_DEV_LOGIN_STAFF: 'true' });
    temporalUi = http.createServer((request, response) => response.end(`temporal-ui ${request.url}`));
    await new Promise<void>((resolve) => temporalUi.listen(0, '127.0.0.1', resolve));
    lb = await startShippedNginx({
      api: new URL(t.system.apiUrl).host,
      ocpp: new URL(t.system.ocppUrl).host,
      temporalUi: `127.0.0.1:${(temporalUi.address() as net.AddressInfo).port}`,
    });
    ca = fs.readFileSync(lb.caFile, 'utf8');
  }, 120_000);

  afterAll(async () => {
    await lb?.stop();
    await new Promise((resolve) => temporalUi?.close(resolve));
    await t?.stop();
  });

  const devLogin = async (name: string, role = 'driver'): Promise<string> => {
    const answer = await send(`${lb.https}/api/v1/auth/dev-login`, { method: 'POST', ca, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
    expect(answer.status).toBe(200);
    return JSON.parse(answer.body).token;
  };

  it('serves HTTPS with a certificate that the generated CA verifies', async () => {
    const answer = await send(`${lb.https}/healthz`, { ca });
    expect(answer.peer?.issuer).toBe('EVCP private CA');
    expect(answer.status).toBe(200);
  });

  it('is not trusted by a client that lacks the private CA', async () => {
    await expect(send(`${lb.https}/healthz`)).rejects.toThrow(/unable to verify the first certificate/);
  });

  it('redirects plain HTTP to the same address over HTTPS', async () => {
    const answer = await send(`${lb.http}/api/v1/stations?near=1`, { headers: { host: 'evcp.example' } });
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe(`https://evcp.example:${lb.publicHttpsPort}/api/v1/stations?near=1`);
  });

  it('passes /api/v1 requests to the API', async () => {
    const answer = await send(`${lb.https}/api/v1/auth/dev-login`, { method: 'POST', ca, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'through-the-proxy' }) });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBeTruthy();
    expect(JSON.parse(answer.body).user.name).toBe('through-the-proxy');
  });

  it('passes /console/ to the API, which answers as it does directly', async () => {
    const [proxied, direct] = [await send(`${lb.https}/console/`, { ca }), await send(`${t.system.apiUrl}/console/`)];
    expect(proxied.headers['x-request-id']).toBeTruthy();
    expect({ status: proxied.status, type: proxied.headers['content-type'], body: proxied.body }).toEqual({ status: direct.status, type: direct.headers['content-type'], body: direct.body });
  });

  it('sets HSTS on HTTPS answers', async () => {
    const answer = await send(`${lb.https}/api/v1/stations/no-such-station`, { ca });
    expect(answer.headers['strict-transport-security']).toBe(hsts);
  });

  it('refuses a body over the size limit before it reaches the API', async () => {
    const answer = await send(`${lb.https}/api/v1/auth/dev-login`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(bodyLimitBytes) }),
    });
    expect(answer.status).toBe(413);
    // nginx's own page: the API answers every request with a request id.
    expect(answer.headers['x-request-id']).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
  });

  it('does not serve the nodes’ /metrics on the balanced address', async () => {
    const answer = await send(`${lb.https}/metrics`, { ca });
    expect(answer.status).toBe(404);
    expect(answer.headers['x-request-id']).toBeUndefined();
  });

  it('carries the live WebSocket (/ws) over TLS', async () => {
    const live = await LiveClient.connect(lb.https, await devLogin('live-through-the-proxy'), { ca });
    live.close();
  });

  it('upgrades an OCPP charger with subprotocol ocpp1.6 and passes its Basic auth to the central system', async () => {
    const admin = await devLogin('proxy-admin', 'admin');
    const code = `${t.stationId}-tls1`;
    const created = await send(`${lb.https}/api/v1/admin/stations/${t.stationId}/piles`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ code, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T', protocol: 'ocpp1.6' }),
    });
    expect(created.status).toBe(201);
    const charger = await TestCharger.connect(lb.https.replace(/^https/, 'wss'), code, JSON.parse(created.body).credentials.basicAuthPassword, ['ocpp1.6'], { ca });
    try {
      expect(charger.rpc.protocol).toBe('ocpp1.6');
      await expect(charger.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'behind-tls' })).resolves.toMatchObject({ status: 'Accepted' });
    } finally {
      await charger.close();
    }
  });

  it('asks for a login before the Temporal UI', async () => {
    const answer = await send(`${lb.admin}/namespaces/default/workflows`, { ca });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Basic realm="Temporal UI"');
    expect(answer.body).not.toContain('temporal-ui');
  });

  it('refuses the Temporal UI to a wrong password', async () => {
    const wrong = Buffer.from(`${lb.uiUser}:not-${lb.uiPassword}`).toString('base64');
    const answer = await send(`${lb.admin}/namespaces/default/workflows`, { ca, headers: { authorization: `Basic ${wrong}` } });
    expect(answer.status).toBe(401);
  });

  it('lets the operator into the Temporal UI with the password of gen-certs.sh', async () => {
    const login = Buffer.from(`${lb.uiUser}:${lb.uiPassword}`).toString('base64');
    const answer = await send(`${lb.admin}/namespaces/default/workflows`, { ca, headers: { authorization: `Basic ${login}` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('temporal-ui /namespaces/default/workflows');
  });

  it('serves a renewed certificate after a reload, verified with the same CA (docs/security.md, rotation)', async () => {
    const before = (await send(`${lb.https}/healthz`, { ca })).peer!.fingerprint;
    lb.renewCertificates();
    lb.reload();
    const after = await eventually(
      async () => (await send(`${lb.https}/healthz`, { ca })).peer!.fingerprint,
      (fingerprint) => fingerprint !== before,
    );
    expect(after).not.toBe(before);
  });

  it('answers the container healthcheck from the API on its plain loopback listener', async () => {
    const answer = await send(`${lb.health}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBeTruthy();
  });
});
