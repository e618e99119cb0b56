'use strict';
/**
 * HTTP probe for container healthchecks (the slim runtime image has neither curl nor wget).
 *
 *   node ops/docker/healthcheck.cjs [url]
 *
 * Default url: http://127.0.0.1:$PORT/healthz (the API). Exit 0 on a 2xx answer within the timeout, 1 otherwise.
 */
const http = require('node:http');

const url = process.argv[2] || `http://127.0.0.1:${process.env.PORT || 3000}/healthz`;
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 4000);

const req = http.get(url, { timeout: timeoutMs }, (res) => {
  res.resume();
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  if (!ok) console.error(`healthcheck ${url}: HTTP ${res.statusCode}`);
  process.exit(ok ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
req.on('error', (error) => {
  console.error(`healthcheck ${url}: ${error.message}`);
  process.exit(1);
});
