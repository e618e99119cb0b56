import net from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { createDatabase } from '../../db/database';
import { createHotState } from '../../infra/hot-state';
import { healthRoutes } from './health';

describe('/readyz', () => {
  it('answers "not ready" naming the engine that hangs instead of hanging with it', async () => {
    // A Temporal address that accepts connections and never answers: a hung frontend, not a refused one.
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // No retry interceptor: a retry the client scheduled would fire after the test closed the connection.
    const connection = Connection.lazy({ address: `127.0.0.1:${(silent.address() as net.AddressInfo).port}`, interceptors: [] });
    const db = createDatabase({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-readyz-')) });
    const hot = createHotState(undefined, '');
    const app = new Koa().use(healthRoutes({ db, hot, temporal: new Client({ connection }) }).routes());
    try {
      const response = await request(app.callback()).get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status: 'not ready', checks: { database: 'ok', redis: 'ok', temporal: expect.stringMatching(/^(no answer within 2000 ms|unreachable: .*deadline.*)$/i) } });
    } finally {
      await Promise.all([db.close(), hot.close(), connection.close().catch(() => undefined)]);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
