import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { AlarmLog } from '../db/alarm-log';
import type { OnCallRoster } from '../db/on-call';
import type { AuditLog } from '../db/audit-log';
import type { Database } from '../db/database';
import type { DriverAccounts } from '../db/driver-accounts';
import type { FavouriteStations } from '../db/favourites';
import type { IdTags } from '../db/id-tags';
import type { FleetAdmin } from '../db/fleet-admin';
import type { FeedbackDesk } from '../db/feedback';
import type { OrderHistory } from '../db/order-history';
import type { PlaceNames } from '../db/places';
import type { Reviews } from '../db/reviews';
import type { SessionRecords } from '../db/session-records';
import type { SessionDossiers } from '../db/session-dossier';
import type { SessionReviews } from '../db/session-reviews';
import type { StationDirectory } from '../db/stations';
import type { UserDirectory } from '../db/users';
import type { Vehicles } from '../db/vehicles';
import type { WeChatUsers } from '../db/wechat-users';
import type { HotState } from '../infra/hot-state';
import type { LiveState } from '../live/live-state';
import type { Logger } from '../infra/logger';
import type { WeChatConfig } from '../infra/wechat/code2session';
import type { TopUpProvider } from '../payments/top-ups';
import type { ReconciliationBooks } from '../db/reconciliation';
import type { TemporalReconciliationRuns } from '../payments/reconciliation-runs';
import type { RefundDesk, RefundWatch } from '../payments/refunds';
import type { WeChatPayRefunds } from '../payments/wechat-pay/wechat-pay-refunds';
import type { WalletPayments } from '../db/wallet';
import type { WeChatPayTopUps } from '../payments/wechat-pay/wechat-pay-top-ups';
import type { WeChatPayscore } from '../payments/wechat-pay/wechat-payscore';
import type { WeChatPayscorePermissions } from '../payments/wechat-pay/wechat-payscore-permissions';
import type { TokenService } from './auth';
import type { LiveSocketLimits } from './live-socket';
import type { PileCommissioning } from './pile-commissioning';
import type { SessionService } from './session-service';
import type { PileCommandService } from './pile-command-service';
import type { SessionWatchers } from './session-watchers';
import type { StaffService } from './staff-service';
import type { StatsReports } from './stats-reports';
import type { ListedStationStatuses } from './station-statuses';

/** Everything the API's routes use; built once by the composition root (api/main.ts or system/main.ts). */
export interface ApiDeps {
  db: Database;
  hot: HotState;
  live: LiveState;
  temporal: Client;
  sessions: SessionService;
  /** Sessions this node's clients watch; gateways send live progress only for watched sessions. */
  watchers: SessionWatchers;
  stations: StationDirectory;
  /** Pile statuses for the nearby list, up to a second old and shared between requests. */
  listedStatuses: ListedStationStatuses;
  users: UserDirectory;
  /** Drivers in the console: search, a driver's page, freezing (checked before a start, reservation or top-up). */
  driverAccounts: DriverAccounts;
  wechatUsers: WeChatUsers;
  /** Session records as the workflows leave them. */
  sessionRecords: SessionRecords;
  orderHistory: OrderHistory;
  places: PlaceNames;
  favourites: FavouriteStations;
  vehicles: Vehicles;
  reviews: Reviews;
  feedback: FeedbackDesk;
  wallet: WalletPayments;
  alarms: AlarmLog;
  /** Each station's ordered on-call staff, whom its alarms reach. */
  onCall: OnCallRoster;
  tokens: TokenService;
  /** Staff sign-in, TOTP and account management (every change audited). */
  staff: StaffService;
  /** The append-only log of staff actions. */
  audit: AuditLog;
  /** Staff's reads and writes of tariffs, stations and piles (api/routes/fleet-admin.ts). */
  fleetAdmin: FleetAdmin;
  /** What a new pile is commissioned with: its QR link and (with the master key) its credentials. */
  pileCommissioning: PileCommissioning;
  /** Operators' remote commands to piles, each a workflow. */
  pileCommands: PileCommandService;
  /** RFID cards mapped to drivers: a card tapped on an OCPP charger starts its driver's session. */
  idTags: IdTags;
  logger: Logger;
  metrics: Registry;
  /** POST /auth/dev-login: on in embedded mode by default; staff roles only when AUTH_DEV_LOGIN_STAFF is set. */
  devLogin: { enabled: boolean; staffRoles: boolean };
  /** WeChat login (code2Session); unset app id/secret: /auth/wechat-login answers that it is off. */
  wechat: WeChatConfig;
  /** Set when WeChat Pay is configured; its notifications are refused otherwise. */
  wechatPay?: WeChatPayTopUps;
  /** Sessions paid with WeChat Pay Score (WECHAT_PAYSCORE_SERVICE_ID): its notifications land here. */
  payscore?: WeChatPayscore;
  /** Drivers' authorization of our WeChat Pay Score service (with `payscore`): started, asked about, notified. */
  payscorePermissions?: WeChatPayscorePermissions;
  /** Withdrawals' refunds: recorded by the desk, followed by a workflow each; WeChat Pay's notifications when configured. */
  refunds: { desk: RefundDesk; watch: RefundWatch; wechatPay?: WeChatPayRefunds };
  /** Reconciliation with the payment provider's daily bills; `runs` only when WeChat Pay is configured. */
  reconciliation: { books: ReconciliationBooks; runs?: TemporalReconciliationRuns };
  /** Where POST /wallet/top-ups goes (PAYMENTS_PROVIDER); unset: top-ups are refused. */
  topUps?: TopUpProvider;
  rateLimits: { loginsPerMinute: number; topUpsPerMinute: number };
  /** A session's page for staff: everything stored about it (issue 12). */
  sessionDossiers: SessionDossiers;
  /** Staff's review decisions on flagged sessions, with refunds of their orders to the wallet. */
  sessionReviews: SessionReviews;
  /** Where a session's workflow opens in the Temporal Web UI (TEMPORAL_UI_URL, or embedded mode's dev server); unset: no link. */
  temporalUi: { url?: string; namespace: string };
  /** Bearer token of Alertmanager's webhook; unset: alerts are not accepted. */
  alertWebhookToken?: string;
  /** The dashboards' reports from the rollups, in the operator's time zone. */
  statsReports: StatsReports;
  /** What the HTTP server and /ws enforce against hostile clients. */
  edge: { trustProxy: boolean; headersTimeoutMs: number; requestTimeoutMs: number; liveSocket: LiveSocketLimits };
}
