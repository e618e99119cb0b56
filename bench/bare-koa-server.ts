import fs from 'node:fs';
import http from 'node:http';
import Koa from 'koa';

/** Baseline of the nearby-stations benchmark: a bare Koa handler answering every request with the same JSON. */
const body = JSON.parse(fs.readFileSync(process.env.BODY_FILE!, 'utf8'));
const app = new Koa();
app.use(async (ctx) => {
  ctx.body = body;
});
const server = http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare koa listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
