import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type Koa from 'koa';
import serve from 'koa-static';

export const CONSOLE_PREFIX = '/console';

/** Where `npm run build:console` writes the console: beside api/ in the sources, two levels up from dist/api/. */
export function defaultConsoleDirs(): string[] {
  return [path.resolve(__dirname, '..', 'console', 'dist'), path.resolve(__dirname, '..', '..', 'console', 'dist')];
}

/** Hashed files (console/dist/assets/*) never change under their name; everything else is revalidated. */
function cacheHeaders(res: ServerResponse, file: string): void {
  const hashed = file.split(path.sep).includes('assets');
  res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * The operator console (a Vue single-page app built into console/dist) at /console/: files as they are, any other
 * /console/* path gets index.html so deep links work; `/` and `/console` redirect to `/console/`. Without a build
 * the console answers 503 with a text saying how to build it. The console's data comes from /api/v1 like any
 * script's; this serves files only and needs no authentication.
 */
export function serveConsole(options: { dirs?: string[] } = {}): Koa.Middleware {
  const dirs = options.dirs ?? defaultConsoleDirs();
  const servers = new Map<string, Koa.Middleware>();
  const serverFor = (dir: string) => {
    let server = servers.get(dir);
    if (!server) {
      server = serve(dir, { index: 'index.html', hidden: false, gzip: false, brotli: false, setHeaders: cacheHeaders }) as Koa.Middleware;
      servers.set(dir, server);
    }
    return server;
  };

  return async (ctx, next) => {
    const read = ctx.method === 'GET' || ctx.method === 'HEAD';
    if (read && (ctx.path === '/' || ctx.path === CONSOLE_PREFIX)) {
      return ctx.redirect(`${CONSOLE_PREFIX}/`);
    }
    if (!ctx.path.startsWith(`${CONSOLE_PREFIX}/`) || !read) return next();

    const dir = dirs.find((d) => fs.existsSync(path.join(d, 'index.html')));
    if (!dir) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = 'The operator console is not built. Run `npm run build` (or `npm run build:console`), which writes console/dist, then reload.\n';
      return;
    }

    const requested = ctx.path.slice(CONSOLE_PREFIX.length);
    const original = ctx.path;
    let served = true;
    ctx.path = requested;
    try {
      await serverFor(dir)(ctx, async () => {
        served = false;
      });
    } finally {
      ctx.path = original;
    }
    if (served) return;
    // A missing hashed file stays a 404 (an old tab asking for a replaced bundle must not get HTML as script).
    if (requested.startsWith('/assets/')) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'Not Found\n';
      return;
    }
    ctx.path = '/index.html';
    try {
      await serverFor(dir)(ctx, async () => undefined);
    } finally {
      ctx.path = original;
    }
  };
}
