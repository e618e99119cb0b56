import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import request from 'supertest';
import { serveConsole } from './console-static';

/** A console build as `npm run build:console` leaves it: index.html and hashed assets. */
function aConsoleBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  return dir;
}

function appOver(dirs: string[]) {
  const app = new Koa();
  app.use(serveConsole({ dirs }));
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'NOT_FOUND' } };
  });
  return request(app.callback());
}

describe('the operator console at /console', () => {
  let dir: string;
  beforeAll(() => (dir = aConsoleBuild()));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('redirects / and /console to /console/', async () => {
    const http = appOver([dir]);
    expect((await http.get('/').expect(302)).headers.location).toBe('/console/');
    expect((await http.get('/console').expect(302)).headers.location).toBe('/console/');
  });

  it('serves index.html without caching it', async () => {
    const response = await appOver([dir]).get('/console/').expect(200);
    expect(response.text).toContain('<div id="app">');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets with a long immutable cache', async () => {
    const response = await appOver([dir]).get('/console/assets/index-AbC123.js').expect(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a deep link of the single-page app with index.html', async () => {
    const response = await appOver([dir]).get('/console/piles/SH.P-001?tab=alarms').expect(200);
    expect(response.text).toContain('<div id="app">');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with 404, not with index.html', async () => {
    const response = await appOver([dir]).get('/console/assets/index-Old999.js').expect(404);
    expect(response.text).not.toContain('<div id="app">');
  });

  it('never serves files outside the build', async () => {
    const response = await appOver([dir]).get('/console/..%2f..%2fetc%2fpasswd');
    expect([400, 403, 404]).toContain(response.status);
    expect(response.text).not.toContain('root:');
  });

  it('says how to build the console when there is no build', async () => {
    const response = await appOver([path.join(dir, 'missing')]).get('/console/fleet').expect(503);
    expect(response.text).toContain('npm run build');
  });

  it('leaves the API and other methods to the routes after it', async () => {
    const http = appOver([dir]);
    await http.get('/api/v1/stations').expect(404);
    await http.post('/console/').expect(404);
  });
});
