import http, { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { AlarmLog } from '../db/alarm-log';
import type { Database } from '../db/database';
import { StationDirectory } from '../db/stations';
import { UserDirectory } from '../db/users';
import { fragments } from '../infra/config';
import type { HotState } from '../infra/hot-state';
import { LiveState } from '../infra/live-state';
import type { Logger } from '../infra/logger';
import { wechatConfigFrom } from '../infra/wechat/code2session';
import { chooseTopUpProvider } from '../payments/top-ups';
import { WalletPayments } from '../payments/wallet';
import { wechatPayConfigFrom } from '../payments/wechat-pay/config';
import { WeChatPayTopUps } from '../payments/wechat-pay/wechat-pay-top-ups';
import { createApp } from './app';
import { registerBusinessMetrics } from './business-metrics';
import { TokenService } from './auth';
import type { ApiDeps } from './context';
import { ListedStationStatuses } from './station-statuses';
import { attachLiveSocket } from './live-socket';
import { SessionService } from './session-service';
import { SessionWatchers } from './session-watchers';
import { sessionPolicyFrom } from './session-policy';

/** The environment the API reads (the all-in-one launcher parses a superset). */
export const apiConfig = {
  ...fragments.http,
  ...fragments.liveSocket,
  ...fragments.temporal,
  ...fragments.auth,
  ...fragments.sessionPolicy,
  ...fragments.wechat,
  ...fragments.payments,
};
export type ApiEnv = z.infer<z.ZodObject<typeof apiConfig>>;

export interface ApiEngines {
  db: Database;
  hot: HotState;
  temporal: Client;
  logger: Logger;
  metrics: Registry;
}

/** Builds every dependency of the API once. Secrets come resolved (embedded mode generates its own). */
export function buildApiDeps(env: ApiEnv, engines: ApiEngines, resolved: { jwtSecret: string; embedded: boolean }): ApiDeps {
  const { db, hot, temporal, logger, metrics } = engines;
  const live = new LiveState(hot);
  const stations = new StationDirectory(hot);
  const watchers = new SessionWatchers(live, logger);
  registerBusinessMetrics(metrics);
  const wallet = new WalletPayments(db);
  const wechatPayConfig = wechatPayConfigFrom(env);
  const wechatPay = wechatPayConfig && new WeChatPayTopUps({ config: wechatPayConfig, wallet });
  return {
    db,
    hot,
    live,
    temporal,
    stations,
    listedStatuses: new ListedStationStatuses(live),
    sessions: new SessionService({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, policy: sessionPolicyFrom(env), stations, live, watchers }),
    watchers,
    users: new UserDirectory(db),
    wallet,
    wechat: wechatConfigFrom(env),
    wechatPay,
    topUps: chooseTopUpProvider({ env, embedded: resolved.embedded, wallet, wechatPay }),
    alarms: new AlarmLog(),
    tokens: new TokenService({ secret: resolved.jwtSecret }),
    logger,
    metrics,
    devLogin: { enabled: env.AUTH_DEV_LOGIN ?? resolved.embedded, staffRoles: env.AUTH_DEV_LOGIN_STAFF },
    rateLimits: { loginsPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE, topUpsPerMinute: env.TOP_UP_RATE_LIMIT_PER_MINUTE },
    edge: {
      trustProxy: env.TRUST_PROXY,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      liveSocket: {
        authGraceMs: env.WS_AUTH_GRACE_SECONDS * 1000,
        maxConnectionsPerIp: env.WS_MAX_CONNECTIONS_PER_IP,
        maxSubscriptions: env.WS_MAX_SUBSCRIPTIONS,
        maxMessagesPerSecond: env.WS_MAX_MESSAGES_PER_SECOND,
      },
    },
  };
}

/** The caller's address as Koa sees it: X-Forwarded-For's first entry only behind a trusted proxy. */
function clientIp(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(request.headers['x-forwarded-for'] ?? '').split(',')[0].trim() : '';
  return forwarded || request.socket.remoteAddress || 'unknown';
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** HTTP and WebSocket on one port. */
export async function startApi(deps: ApiDeps, listen: { port: number; host: string }): Promise<RunningApi> {
  await deps.stations.refresh();
  await deps.watchers.start();
  const { edge } = deps;
  const server = http.createServer(
    // Slow-loris: headers and whole requests have deadlines, checked every second.
    { headersTimeout: edge.headersTimeoutMs, requestTimeout: edge.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    createApp(deps).callback(),
  );
  const sockets = attachLiveSocket(server, { ...deps, limits: edge.liveSocket, clientIp: (request) => clientIp(request, edge.trustProxy) });
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
      await deps.watchers.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
