import os from 'node:os';
import { z } from 'zod';

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
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`);
const secret = z.string().min(32, 'must be at least 32 characters');

export const fragments = {
  http: {
    PORT: port.default(3000),
    HOST: z.string().default('0.0.0.0'),
  },
  temporal: {
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('charging-sessions'),
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
    /** Stable MQTT client id of this gateway instance. */
    GATEWAY_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default(`evcp-gateway-${os.hostname()}`.slice(0, 64).replace(/[^A-Za-z0-9_.-]/g, '-')),
  },
  auth: {
    JWT_SECRET: secret.optional(),
    AUTH_DEV_LOGIN: bool.optional(),
    /** Per client (user, else IP): logins and top-ups allowed per minute. */
    LOGIN_RATE_LIMIT_PER_MINUTE: positiveInt.default(20),
    TOP_UP_RATE_LIMIT_PER_MINUTE: positiveInt.default(10),
  },
  pileKeys: {
    /** Master key from which each pile's command-signing secret is derived. */
    PILE_MASTER_KEY: secret.optional(),
  },
  gateway: {
    /** A pile not heard from for this long is marked offline and raises an alarm (its last will usually comes first). */
    PILE_HEARTBEAT_TIMEOUT_SECONDS: positiveInt.default(90),
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
  metrics: {
    /** Port of the Prometheus /metrics endpoint of the worker and the gateway (the API serves it on PORT). */
    METRICS_PORT: port.default(9464),
  },
  logging: {
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment against the given schema shape; throws ConfigError naming each bad variable. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
  require: (keyof S)[] = [],
): z.infer<z.ZodObject<S>> {
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
    if (result.success && (result.data as Record<string, unknown>)[name as string] === undefined) problems.push(`${String(name)}: is required for this process`);
  }
  if (problems.length) throw new ConfigError(problems);
  return result.data as z.infer<z.ZodObject<S>>;
}

export type SessionPolicyEnv = z.infer<z.ZodObject<typeof fragments.sessionPolicy>>;
