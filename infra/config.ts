import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import { SERVICE_NAME_PATTERN } from '../device-protocol/mqtt-accounts';
import { DEFAULT_TOPIC_PREFIX, TOPIC_PREFIX_PATTERN } from '../device-protocol/topics';
import { STAFF_USERNAME_PATTERN, STAFF_USERNAME_RULE } from '../domain/staff-usernames';
import { DEFAULT_OPERATOR_TIME_ZONE, isTimeZone } from '../domain/operator-days';
import { CHARGING_SESSION_TASK_QUEUE } from '../workflows/charging-session.messages';

/**
 * Configuration comes from the environment only. Each process parses the fragments it needs once at
 * boot (`loadConfig`) and fails fast with every offending variable named.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
/** A TCP port; 0 asks for any free port (tests). */
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = (protocols: string[]) =>
  z
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`);
/** The name part of an MQTT service account (device-protocol/mqtt-accounts.ts). */
const serviceName = z.string().regex(SERVICE_NAME_PATTERN, 'must be 1-64 letters, digits, _ . or -');
const secret = z.string().min(32, 'must be at least 32 characters');

/** A subscribe-message template keyword such as thing3 or amount1. */
const templateKeyword = z.string().regex(/^[a-z_]+\d+$/, 'must be a template keyword such as thing3');

export const fragments = {
  http: {
    PORT: port.default(3000),
    /** Loopback unless told otherwise: exposing the API is a decision (the container image sets 0.0.0.0). */
    HOST: z.string().default('127.0.0.1'),
    /** Believe X-Forwarded-For/-Proto (client IP for rate limits and connection caps) only behind a proxy that sets them. */
    TRUST_PROXY: bool.default(false),
    /** Slow-loris guard: a client must send its request headers, and its whole request, within these times. */
    HTTP_HEADERS_TIMEOUT_SECONDS: positiveInt.default(10),
    HTTP_REQUEST_TIMEOUT_SECONDS: positiveInt.default(30),
  },
  liveSocket: {
    /** A /ws client that has not authenticated within this time is closed (4401). */
    WS_AUTH_GRACE_SECONDS: positiveInt.default(10),
    /** Open /ws connections per client IP; more are refused with 429 before the upgrade. */
    WS_MAX_CONNECTIONS_PER_IP: positiveInt.default(20),
    /** Sessions and stations one /ws connection may follow at once. */
    WS_MAX_SUBSCRIPTIONS: positiveInt.default(50),
    /** Messages per second one /ws connection may send; more closes it (1008). */
    WS_MAX_MESSAGES_PER_SECOND: positiveInt.default(20),
  },
  temporal: {
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(CHARGING_SESSION_TASK_QUEUE),
    /** The Temporal Web UI, for the console's links to a session's workflow (embedded mode: its dev server's UI). */
    TEMPORAL_UI_URL: url(['http', 'https']).optional(),
  },
  /**
   * mTLS to Temporal's frontend, PEM files: the CA that signed the frontend's certificate, and this process's client
   * certificate and key (both or neither; temporalTlsFiles checks). None set: plaintext, for a frontend that only a
   * private network reaches. The API, worker, gateway and OCPP processes parse this fragment and pass temporalTls(env)
   * to their connections (infra/temporal.ts).
   */
  temporalTls: {
    TEMPORAL_TLS_CA: z.string().min(1).optional(),
    TEMPORAL_TLS_CERT: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY: z.string().min(1).optional(),
    /** The name in the frontend's certificate, when TEMPORAL_ADDRESS reaches it by another name or an address. */
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  },
  embeddedTemporal: {
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
  },
  database: {
    MYSQL_URL: url(['mysql', 'mariadb']).optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
  },
  redis: {
    REDIS_URL: url(['redis', 'rediss']).optional(),
    /** Prefix of every Redis key, to share one Redis between deployments (or test runs). */
    REDIS_KEY_PREFIX: z.string().max(64).default(''),
  },
  mqtt: {
    MQTT_URL: url(['mqtt', 'mqtts', 'ws', 'wss', 'tcp']).optional(),
    MQTT_PORT: port.default(11883),
    /** MQTT 5 shared-subscription group of the gateways; empty for a broker without shared subscriptions. */
    GATEWAY_SHARED_GROUP: z.string().regex(/^[A-Za-z0-9_-]*$/).default('evcp-gateway'),
    /**
     * Keep the gateway's MQTT session across restarts (clean=false) under GATEWAY_CLIENT_ID, so pile events sent
     * while it restarts are queued by the broker. Give each gateway instance a stable id of its own.
     */
    GATEWAY_PERSISTENT_SESSION: bool.default(true),
    /**
     * Stable name of this gateway instance: it connects as MQTT user and client id `gateway.<name>` with a password
     * derived from PILE_MASTER_KEY (docs/device-protocol.md, "Authentication"). Give each instance its own.
     */
    GATEWAY_CLIENT_ID: serviceName.default(`evcp-gateway-${os.hostname()}`.slice(0, 64).replace(/[^A-Za-z0-9_.-]/g, '-')),
    /**
     * Name of this process's pile-command publisher (the worker): MQTT user and client id `commands.<name>`.
     * Unset: a new name each start, which the embedded broker accepts; a Mosquitto password file lists fixed names.
     */
    COMMANDS_CLIENT_ID: serviceName.default(() => `evcp-worker-${randomUUID().slice(0, 8)}`),
    /**
     * CA certificate (PEM file) that signed the broker's certificate, for an mqtts:// MQTT_URL signed by a private CA
     * (ops/scripts/gen-certs.sh); unset: the system's trusted CAs. The broker's name in MQTT_URL must match its certificate.
     */
    MQTT_CA_FILE: z.string().min(1).optional(),
    /** First topic levels of every pile topic: `<prefix>/v1/piles/<pileId>/<kind>`. */
    MQTT_TOPIC_PREFIX: z.string().regex(TOPIC_PREFIX_PATTERN, 'must be topic levels of letters, digits, _ and - separated by /').default(DEFAULT_TOPIC_PREFIX),
  },
  auth: {
    JWT_SECRET: secret.optional(),
    AUTH_DEV_LOGIN: bool.optional(),
    /** Let dev login hand out staff roles (operator, support, admin): tests and demos only. Off: drivers only. */
    AUTH_DEV_LOGIN_STAFF: bool.default(false),
    /** Per client (user, else IP): logins and top-ups allowed per minute. */
    LOGIN_RATE_LIMIT_PER_MINUTE: positiveInt.default(20),
    TOP_UP_RATE_LIMIT_PER_MINUTE: positiveInt.default(10),
    /** Bearer token Alertmanager sends to POST /api/v1/alerts/alertmanager; unset: that route answers 404. */
    ALERT_WEBHOOK_TOKEN: secret.optional(),
  },
  staff: {
    /** Staff tokens live this long (drivers' a week); disabling an account ends its tokens at once anyway. */
    STAFF_TOKEN_TTL_SECONDS: positiveInt.default(8 * 3600),
    /** The first admin, created at start when no admin can sign in: this name, and this password or a generated one (DATA_DIR/initial-admin-password). */
    STAFF_ADMIN_USERNAME: z.string().regex(STAFF_USERNAME_PATTERN, STAFF_USERNAME_RULE).default('admin'),
    STAFF_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
    /** Failed staff sign-ins allowed per username and per client address in STAFF_LOGIN_WINDOW_MINUTES; more: 429. */
    STAFF_LOGIN_FAILURES_PER_USERNAME: positiveInt.default(5),
    STAFF_LOGIN_FAILURES_PER_ADDRESS: positiveInt.default(20),
    STAFF_LOGIN_WINDOW_MINUTES: positiveInt.default(15),
  },
  fleet: {
    /**
     * What a pile's QR code links to: `<PILE_QR_BASE_URL>/<code>`. The mini-program's scan page reads the code from
     * the link's last path segment (mini-program/utils/pile-code.js), so any https address of the operator's works.
     */
    PILE_QR_BASE_URL: url(['https', 'http'])
      .refine((v) => !/[?#]/.test(v), 'must have no query or fragment: the pile code is appended as the last path segment')
      .transform((v) => v.replace(/\/+$/, ''))
      .default('https://evcp.example.com/p'),
  },
  pileKeys: {
    /** Master key from which each pile's command-signing secret and every MQTT password are derived. */
    PILE_MASTER_KEY: secret.optional(),
  },
  gateway: {
    /** A pile not heard from for this long is marked offline and raises an alarm (its last will usually comes first). */
    PILE_HEARTBEAT_TIMEOUT_SECONDS: positiveInt.default(90),
    /**
     * A gateway holds a lease on its GATEWAY_CLIENT_ID in Redis, renewed every third of this time: a second process
     * with the same id waits up to twice this long for it, then refuses to start. A gateway whose lease has lapsed
     * this long is gone, and a live gateway takes over what its MQTT session holds (device-gateway/session-adoption.ts).
     */
    GATEWAY_LEASE_SECONDS: positiveInt.default(10),
    /**
     * Pile messages a gateway may hold (taken from the broker, not yet handled) before it counts as overloaded
     * (`evcp_gateway_overloaded`); it recovers at a quarter of this. Overloaded or not, a pile's telemetry sample
     * still waiting is replaced by its newer one (device-gateway/uplink-load.ts).
     */
    GATEWAY_OVERLOADED_AT: positiveInt.default(2_000),
    /** At this many held messages the gateway stops reading from the broker until some are handled: its memory stays bounded. */
    GATEWAY_MAX_PENDING_MESSAGES: positiveInt.default(30_000),
    /** Pile messages a gateway handles at once, the piles served in turn; the rest wait in their pile's backlog (device-gateway/uplink-load.ts). */
    GATEWAY_MAX_HANDLING: positiveInt.default(250),
  },
  ocpp: {
    /** Where the OCPP 1.6J central system listens: chargers connect to ws://host:OCPP_PORT/ocpp/1.6/{chargePointId} (TLS in front: docs/ocpp.md). */
    OCPP_PORT: port.default(9000),
    /** Loopback unless told otherwise, like the API: a TLS-terminating proxy in front is the usual way in (the container image sets 0.0.0.0). */
    OCPP_HOST: z.string().default('127.0.0.1'),
    /** The heartbeat interval BootNotification gives chargers; keep it well under PILE_HEARTBEAT_TIMEOUT_SECONDS. */
    OCPP_HEARTBEAT_INTERVAL_SECONDS: positiveInt.default(60),
  },
  sessionPolicy: {
    RESERVATION_MINUTES: positiveInt.default(15),
    START_ACK_TIMEOUT_SECONDS: positiveInt.default(60),
    STOP_ACK_TIMEOUT_SECONDS: positiveInt.default(60),
    PILE_SILENCE_TIMEOUT_SECONDS: positiveInt.default(300),
    MAX_SESSION_HOURS: positiveInt.default(12),
    IDLE_WAIT_MAX_MINUTES: positiveInt.default(240),
    CHECKPOINT_INTERVAL_SECONDS: positiveInt.default(60),
    MIN_PREAUTH_FEN: positiveInt.default(1000),
    MAX_PREAUTH_FEN: positiveInt.default(20000),
  },
  simulator: {
    SIM_PILES: z.coerce.number().int().min(0).max(100_000).default(4),
    SIM_TELEMETRY_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    SIM_STATION_ID: z.string().min(1).default('demo-station'),
  },
  worker: {
    /** Workflows a worker keeps in memory between tasks; unset: the SDK's default, sized from the heap limit (about 2,400 at 4 GiB). */
    WORKER_MAX_CACHED_WORKFLOWS: positiveInt.optional(),
    /** Workflow tasks a worker runs at once (SDK default 40). */
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.optional(),
    /** Activities a worker runs at once (SDK default 100). */
    WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.optional(),
    /**
     * How long a session's workflow task waits on the sticky queue of the worker that caches it before any worker
     * may take it (SDK default 10 s): after a worker crash, its sessions wait this long before another replays them.
     */
    WORKER_STICKY_QUEUE_TIMEOUT_MS: positiveInt.default(3000),
    /**
     * Whether workflows run with the OpenTelemetry workflow interceptors: `auto` when tracing is on
     * (OTEL_EXPORTER_OTLP_ENDPOINT). `on` for a worker replaying sessions begun before command nonces stopped
     * coming from the workflow's PRNG, which ran with them (see the upgrade note in ops/README.md).
     */
    WORKER_WORKFLOW_TRACING: z.enum(['auto', 'on', 'off']).default('auto'),
    /**
     * Whether workflows record a stack trace of every promise they create, for the `__stack_trace` query (the Web
     * UI's "Stack Trace" tab). Off by default: it is more than half of a worker's replay time (docs/performance.md).
     */
    WORKER_WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),
    /**
     * Whether workflow code replaying history runs under the SDK's 5 s deadlock timeout too. Off by default: the
     * timeout costs a thread per call into the workflow sandbox, a third of a worker's replay CPU, and a replay
     * re-runs steps this code already took; new work and queries keep the timeout either way (docs/performance.md).
     */
    WORKER_DEADLOCK_TIMEOUT_ON_REPLAY: z.enum(['on', 'off']).default('off'),
  },
  metrics: {
    /** Port of the Prometheus /metrics endpoint of the worker and the gateway (the API serves it on PORT). */
    METRICS_PORT: port.default(9464),
    /** Port of the worker's Temporal SDK metrics (task latency, slots, workflow cache: `temporal_*`); unset: not served. */
    TEMPORAL_SDK_METRICS_PORT: port.optional(),
  },
  wechat: {
    /** WeChat's server API; a local fake in tests. */
    WECHAT_API_BASE: url(['https', 'http']).default('https://api.weixin.qq.com'),
    /** The mini-program's AppID and AppSecret; without both, /auth/wechat-login answers that it is not configured. */
    WECHAT_APP_ID: z.string().regex(/^wx[0-9a-f]{16}$/, 'must look like wx followed by 16 hex digits').optional(),
    WECHAT_APP_SECRET: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits').optional(),
    /** WeChat Pay API v3 (JSAPI top-ups). All of the merchant's settings, or none: the sandbox provider then stays. */
    WECHAT_PAY_API_BASE: url(['https', 'http']).default('https://api.mch.weixin.qq.com'),
    WECHAT_PAY_MCH_ID: z.string().regex(/^\d{8,12}$/, 'must be the merchant number (digits)').optional(),
    WECHAT_PAY_MCH_SERIAL_NO: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, "must be the merchant certificate's serial number (hex)").optional(),
    WECHAT_PAY_MCH_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    /** WeChat Pay's public key that signs notifications, and its id (PUB_KEY_ID_…), from the merchant platform. */
    WECHAT_PAY_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    WECHAT_PAY_PUBLIC_KEY_ID: z.string().min(1).max(64).optional(),
    WECHAT_PAY_API_V3_KEY: z.string().length(32, 'must be the 32-character APIv3 key').optional(),
    /** Public HTTPS address of POST /api/v1/payments/wechat-pay/notify. */
    WECHAT_PAY_NOTIFY_URL: url(['https']).optional(),
    /** How long a driver has to pay a top-up order; a pending order is queried meanwhile and closed after it. */
    WECHAT_PAY_ORDER_EXPIRY_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(30),
    /**
     * The WeChat Pay Score (支付分) service id of the charging scene, from the merchant platform; needs the WECHAT_PAY_
     * settings. Set: drivers may charge pay-as-you-go on a Payscore order; unset: the wallet only.
     */
    WECHAT_PAYSCORE_SERVICE_ID: z.string().regex(/^\d{32}$/, 'must be the 32-digit Payscore service id').optional(),
    /** Subscribe-message template of the bill sent when a session settles; unset: drivers are not sent their bill. */
    WECHAT_BILL_TEMPLATE_ID: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'must be a subscribe-message template id').optional(),
    /** The template's keywords, as JSON {"amount","energy","station","time"}; defaults to amount1, character_string2, thing3, time4. */
    WECHAT_BILL_TEMPLATE_FIELDS: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(z.object({ amount: templateKeyword, energy: templateKeyword, station: templateKeyword, time: templateKeyword }).strict())
      .optional(),
  },
  payments: {
    /**
     * Where top-ups go. Unset: WeChat Pay when configured; else the sandbox in embedded mode outside production,
     * and no top-ups at all otherwise. `sandbox` credits wallets for free and is refused when NODE_ENV=production.
     */
    PAYMENTS_PROVIDER: z.enum(['wechat-pay', 'sandbox']).optional(),
    NODE_ENV: z.string().default('development'),
  },
  alarms: {
    /** An alarm nobody acknowledged within this time goes to the next person on the station's on-call list. */
    ALARM_ESCALATION_MINUTES: positiveInt.default(10),
    /** A cleared alarm nobody acknowledged resolves itself once its condition stayed away this long; a raise before folds into it. */
    ALARM_QUIET_SECONDS: positiveInt.default(300),
    /** SMS to on-call staff: `tencent` (Tencent Cloud SMS API 3.0, every SMS_* below required) or `none`. */
    SMS_PROVIDER: z.enum(['tencent', 'none']).default('none'),
    SMS_ENDPOINT: url(['https', 'http']).default('https://sms.tencentcloudapi.com'),
    SMS_REGION: z.string().regex(/^[a-z]+-[a-z]+$/, 'must be a region such as ap-guangzhou').default('ap-guangzhou'),
    SMS_SECRET_ID: z.string().min(1).max(128).optional(),
    SMS_SECRET_KEY: z.string().min(1).max(128).optional(),
    SMS_SDK_APP_ID: z.string().regex(/^\d{6,20}$/, 'must be the SMS application id (digits)').optional(),
    SMS_SIGN_NAME: z.string().min(1).max(64).optional(),
    SMS_ALARM_TEMPLATE_ID: z.string().regex(/^\d{1,20}$/, 'must be the approved template id (digits)').optional(),
    /** WeChat subscribe-message template of alarms (mini-program); unset: staff are not told by WeChat. Uses WECHAT_APP_ID/SECRET. */
    WECHAT_ALARM_TEMPLATE_ID: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'must be a subscribe-message template id').optional(),
  },
  stats: {
    /** The operator's time zone (IANA): dashboards count days and months in it. */
    OPERATOR_TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default(DEFAULT_OPERATOR_TIME_ZONE),
    /** How many recent local days (today included) the scheduled rollup recomputes each run. */
    STATS_RECOMPUTE_DAYS: z.coerce.number().int().min(1).max(31).default(3),
  },
  logging: {
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
  tracing: {
    /**
     * OTLP/HTTP collector (Jaeger, Tempo, an OpenTelemetry Collector) that receives the traces, e.g.
     * http://localhost:4318; spans go to `<endpoint>/v1/traces`. Unset: no tracing.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']).optional(),
    /** The service name on this process's spans; unset: the process's own name (evcp, api, worker, gateway). */
    OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  },
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment against the given schema shape; throws ConfigError naming each bad variable. */
export function loadConfig<S extends z.ZodRawShape, R extends keyof S & string = never>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
  require: readonly R[] = [],
): Config<S, R> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = z.object(shape).safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((i) => {
        const name = String(i.path[0]);
        const shown = env[name] !== undefined && !/SECRET|KEY|URL|PASSWORD/.test(name) ? ` (got "${env[name]}")` : '';
        return `${name}: ${i.message}${shown}`;
      });
  for (const name of require) {
    if (result.success && (result.data as Record<string, unknown>)[name] === undefined) problems.push(`${name}: is required for this process`);
  }
  if (problems.length) throw new ConfigError(problems);
  return result.data as Config<S, R>;
}

/** The parsed configuration, with the variables a process requires known to be present. */
export type Config<S extends z.ZodRawShape, R extends keyof S = never> = z.infer<z.ZodObject<S>> & {
  [K in R & keyof z.infer<z.ZodObject<S>>]-?: NonNullable<z.infer<z.ZodObject<S>>[K]>;
};

export type TemporalTlsEnv = z.infer<z.ZodObject<typeof fragments.temporalTls>>;

export interface TemporalTlsFiles {
  ca?: string;
  clientCertPair?: { cert: string; key: string };
  serverName?: string;
}

/** The TLS settings of Temporal connections; undefined when none is set (plaintext). */
export function temporalTlsFiles(env: TemporalTlsEnv): TemporalTlsFiles | undefined {
  const { TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_SERVER_NAME: serverName } = env;
  if (!ca && !cert && !key && !serverName) return undefined;
  if (Boolean(cert) !== Boolean(key)) throw new ConfigError([`${cert ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'}: is required with ${cert ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'}`]);
  return { ca, clientCertPair: cert && key ? { cert, key } : undefined, serverName };
}

export type SessionPolicyEnv = z.infer<z.ZodObject<typeof fragments.sessionPolicy>>;
export type WorkerEnv = z.infer<z.ZodObject<typeof fragments.worker>>;
export type WeChatEnv = z.infer<z.ZodObject<typeof fragments.wechat>>;
export type PaymentsEnv = z.infer<z.ZodObject<typeof fragments.payments>>;
export type LiveSocketEnv = z.infer<z.ZodObject<typeof fragments.liveSocket>>;
export type AlarmsEnv = z.infer<z.ZodObject<typeof fragments.alarms>>;
export type StaffEnv = z.infer<z.ZodObject<typeof fragments.staff>>;
export type StatsEnv = z.infer<z.ZodObject<typeof fragments.stats>>;
