import http, { type IncomingMessage } from 'node:http';
import { PAYMENT_MODES } from '../domain/payscore';
import { PayscoreOrders } from '../db/payscore-orders';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { type z } from 'zod';
import { AlarmLog } from '../db/alarm-log';
import { OnCallRoster } from '../db/on-call';
import { TemporalAlarmWorkflows } from '../infra/alarm-workflows';
import { AuditLog } from '../db/audit-log';
import { StationPowerCaps } from '../db/station-power-caps';
import { IdTags } from '../db/id-tags';
import type { Database } from '../db/database';
import { FavouriteStations } from '../db/favourites';
import { FeedbackDesk } from '../db/feedback';
import { OrderHistory } from '../db/order-history';
import { PlaceNames } from '../db/places';
import { Reviews } from '../db/reviews';
import { FleetCatalogue } from '../db/fleet-catalogue';
import { FleetAdmin } from '../db/fleet-admin';
import { pileTopics } from '../device-protocol/topics';
import { pileCommissioning } from './pile-commissioning';
import { SessionRecords } from '../db/session-records';
import { SessionRequestKeys } from '../db/session-request-keys';
import { StaffAccounts } from '../db/staff-accounts';
import { StationDirectory } from '../db/stations';
import { UserDirectory } from '../db/users';
import { DriverAccounts } from '../db/driver-accounts';
import { Vehicles } from '../db/vehicles';
import { WeChatUsers } from '../db/wechat-users';
import { fragments } from '../infra/config';
import type { HotState } from '../infra/hot-state';
import { LiveState } from '../live/live-state';
import type { Logger } from '../infra/logger';
import { wechatConfigFrom } from '../infra/wechat/code2session';
import { chooseTopUpProvider } from '../payments/top-ups';
import { WalletPayments } from '../db/wallet';
import { buildRefundDesk, buildWeChatPay } from '../payments/wechat-pay/build';
import { TemporalRefundWatch } from '../payments/refund-watch';
import { TemporalReconciliationRuns } from '../payments/reconciliation-runs';
import { ReconciliationBooks } from '../db/reconciliation';
import { createApp } from './app';
import { registerEngineMetrics } from '../infra/engine-metrics';
import { registerBusinessMetrics } from './business-metrics';
import { TokenService } from './auth';
import type { ApiDeps } from './context';
import { ListedStationStatuses } from './station-statuses';
import { attachLiveSocket } from './live-socket';
import { SessionService } from './session-service';
import { PileCommandService } from './pile-command-service';
import { PileCommandRecords } from '../db/pile-commands';
import { SessionWatchers } from './session-watchers';
import { sessionPolicyFrom } from '../infra/session-policy';
import { StaffService } from './staff-service';
import { SessionDossiers } from '../db/session-dossier';
import { SessionReviews } from '../db/session-reviews';
import { StatsReports } from './stats-reports';
import { StatsQueries } from '../db/stats-queries';

/** The environment the API reads (the all-in-one launcher parses a superset). */
export const apiConfig = {
  ...fragments.http,
  ...fragments.liveSocket,
  ...fragments.temporal,
  ...fragments.auth,
  ...fragments.staff,
  ...fragments.sessionPolicy,
  ...fragments.wechat,
  ...fragments.payments,
  ...fragments.fleet,
  /** New piles' credentials in POST /admin/stations/:id/piles (unset: commission them with `npm run pile:credentials`). */
  PILE_MASTER_KEY: fragments.pileKeys.PILE_MASTER_KEY,
  MQTT_TOPIC_PREFIX: fragments.mqtt.MQTT_TOPIC_PREFIX,
  ...fragments.alarms,
  ...fragments.stats,
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
export function buildApiDeps(env: ApiEnv, engines: ApiEngines, resolved: { jwtSecret: string; embedded: boolean; pileMasterKey?: string; temporalUiUrl?: string }): ApiDeps {
  const { db, hot, temporal, logger, metrics } = engines;
  const live = new LiveState(hot);
  const stations = new StationDirectory({ db, hot });
  const watchers = new SessionWatchers(live, logger);
  const sessionRecords = new SessionRecords(db);
  const alarms = new AlarmLog(db, { quietMs: env.ALARM_QUIET_SECONDS * 1000, workflows: new TemporalAlarmWorkflows({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger }) });
  registerBusinessMetrics(metrics, { sessions: sessionRecords, alarms, fleet: new FleetCatalogue(db) });
  registerEngineMetrics(metrics, { db, hot });
  const wallet = new WalletPayments(db);
  const users = new UserDirectory(db);
  const driverAccounts = new DriverAccounts(db);
  const wechatPayParts = buildWeChatPay(env, { db, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
  const wechatPay = wechatPayParts?.topUps;
  const audit = new AuditLog(db);
  const refundWatch = new TemporalRefundWatch({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE });
  const tokens = new TokenService({ secret: resolved.jwtSecret, staffTtlSeconds: env.STAFF_TOKEN_TTL_SECONDS });
  const staffLimits = { failuresPerUsername: env.STAFF_LOGIN_FAILURES_PER_USERNAME, failuresPerAddress: env.STAFF_LOGIN_FAILURES_PER_ADDRESS, windowMinutes: env.STAFF_LOGIN_WINDOW_MINUTES };
  const sessions = new SessionService({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, policy: sessionPolicyFrom(env), stations, records: sessionRecords, requestKeys: new SessionRequestKeys(db), live, watchers, audit, accounts: driverAccounts, paymentModes: wechatPayParts?.payscore ? PAYMENT_MODES : ['wallet'], payscorePermissions: wechatPayParts?.payscorePermissions });
  return {
    db,
    hot,
    live,
    temporal,
    stations,
    listedStatuses: new ListedStationStatuses(live),
    sessions,
    pileCommands: new PileCommandService({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, records: new PileCommandRecords(db), stations, live, sessions, sessionRecords, users, audit, caps: new StationPowerCaps(db) }),
    watchers,
    users,
    driverAccounts,
    wechatUsers: new WeChatUsers(db),
    sessionRecords,
    orderHistory: new OrderHistory(db),
    places: new PlaceNames(db),
    favourites: new FavouriteStations({ db, stations }),
    vehicles: new Vehicles(db),
    reviews: new Reviews(db),
    feedback: new FeedbackDesk(db),
    wallet,
    wechat: wechatConfigFrom(env),
    wechatPay,
    payscore: wechatPayParts?.payscore,
    payscorePermissions: wechatPayParts?.payscorePermissions,
    refunds: { desk: buildRefundDesk(db, wechatPayParts), watch: refundWatch, wechatPay: wechatPayParts?.refunds },
    reconciliation: { books: new ReconciliationBooks(db), runs: wechatPayParts && new TemporalReconciliationRuns({ temporal, taskQueue: env.TEMPORAL_TASK_QUEUE }) },
    topUps: chooseTopUpProvider({ env, wallet, wechatPay }),
    alarms,
    onCall: new OnCallRoster(db),
    tokens,
    staff: new StaffService({ accounts: new StaffAccounts(db), audit, tokens, hot, limits: staffLimits }),
    audit,
    fleetAdmin: new FleetAdmin({ db }),
    idTags: new IdTags(db),
    pileCommissioning: pileCommissioning({ masterKey: resolved.pileMasterKey ?? env.PILE_MASTER_KEY, topics: pileTopics(env.MQTT_TOPIC_PREFIX), qrBaseUrl: env.PILE_QR_BASE_URL }),
    logger,
    metrics,
    devLogin: { enabled: env.AUTH_DEV_LOGIN ?? resolved.embedded, staffRoles: env.AUTH_DEV_LOGIN_STAFF },
    rateLimits: { loginsPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE, topUpsPerMinute: env.TOP_UP_RATE_LIMIT_PER_MINUTE },
    alertWebhookToken: env.ALERT_WEBHOOK_TOKEN,
    sessionDossiers: new SessionDossiers(db),
    sessionReviews: new SessionReviews({ db, wallet, payscore: { orders: new PayscoreOrders(db), refundWatch } }),
    temporalUi: { url: env.TEMPORAL_UI_URL ?? resolved.temporalUiUrl, namespace: env.TEMPORAL_NAMESPACE },
    statsReports: new StatsReports({ queries: new StatsQueries(db), timeZone: env.OPERATOR_TIME_ZONE, clock: Date.now }),
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
