import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { AlarmLog } from '../db/alarm-log';
import type { Database } from '../db/database';
import { StationDirectory } from '../db/stations';
import { UserDirectory } from '../db/users';
import type { HotState } from '../infra/hot-state';
import { LiveState } from '../infra/live-state';
import type { Logger } from '../infra/logger';
import { WalletPayments } from '../payments/wallet';
import type { SessionPolicy } from '../workflows/charging-session.messages';
import { createApp } from './app';
import { TokenService } from './auth';
import type { ApiDeps } from './context';
import { attachLiveSocket } from './live-socket';
import { SessionService } from './session-service';

export interface ApiOptions {
  db: Database;
  hot: HotState;
  temporal: Client;
  taskQueue: string;
  policy: SessionPolicy;
  jwtSecret: string;
  devLogin: boolean;
  rateLimits: ApiDeps['rateLimits'];
  logger: Logger;
  metrics: Registry;
}

/** Builds every dependency of the API once. */
export function buildApiDeps(o: ApiOptions): ApiDeps {
  const live = new LiveState(o.hot);
  const stations = new StationDirectory(o.hot);
  return {
    db: o.db,
    hot: o.hot,
    live,
    temporal: o.temporal,
    stations,
    sessions: new SessionService({ temporal: o.temporal, taskQueue: o.taskQueue, policy: o.policy, stations, live }),
    users: new UserDirectory(),
    wallet: new WalletPayments(o.db),
    alarms: new AlarmLog(),
    tokens: new TokenService({ secret: o.jwtSecret }),
    logger: o.logger,
    metrics: o.metrics,
    devLogin: o.devLogin,
    rateLimits: o.rateLimits,
  };
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** HTTP and WebSocket on one port. */
export async function startApi(deps: ApiDeps, listen: { port: number; host: string }): Promise<RunningApi> {
  await deps.stations.indexGeo();
  const server = http.createServer(createApp(deps).callback());
  const sockets = attachLiveSocket(server, deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`PORT ${listen.port} is already in use; set PORT to a free port`) : error),
    );
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host === '0.0.0.0' ? 'localhost' : listen.host}:${port}`,
    async close() {
      await sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
