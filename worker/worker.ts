import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { BillNoticeQueue, BillNotices, PayerRefunds, PaymentProvider, PaymentReconciliation, PendingPayscoreOrders, PendingTopUps } from '../activities/ports';
import { createReconciliationActivities } from '../activities/reconciliation-activities';
import { createBillNoticeActivities } from '../activities/bill-notice-activities';
import { TemporalBillNoticeQueue, WeChatBillNotices } from '../payments/bill-notices';
import { DEFAULT_BILL_TEMPLATE_FIELDS } from '../domain/bill-notice';
import { createRefundActivities } from '../activities/refund-activities';
import { buildRefundDesk } from '../payments/wechat-pay/build';
import { createAlarmActivities } from '../activities/alarm-activities';
import { createSessionActivities } from '../activities/session-activities';
import { AlarmLog } from '../db/alarm-log';
import { OnCallRoster } from '../db/on-call';
import { createSweeperActivities } from '../activities/sweeper-activities';
import { createTopUpActivities } from '../activities/top-up-activities';
import { createStatsActivities } from '../activities/stats-activities';
import { StatsRollups } from '../db/stats-rollups';
import { DEFAULT_OPERATOR_TIME_ZONE } from '../domain/operator-days';
import { createPileCommandActivities } from '../activities/pile-command-activities';
import { PileCommandRecords, SessionProgressRecords } from '../db/pile-commands';
import type { Database } from '../db/database';
import { Orders } from '../db/orders';
import { SequelizeSessionStore } from '../db/session-store';
import { MqttPileCommands } from '../infra/mqtt-pile-commands';
import { OcppPileCommands } from '../infra/ocpp-pile-commands';
import { PileRegistry } from '../db/pile-registry';
import { ProtocolPileCommands } from './protocol-pile-commands';
import type { AlarmsEnv, StatsEnv, WeChatEnv, WorkerEnv } from '../infra/config';
import { TencentSms, tencentSmsConfigFrom } from '../infra/sms/tencent-sms';
import { wechatConfigFrom } from '../infra/wechat/code2session';
import { wechatMessengerFrom } from '../infra/wechat/subscribe-message';
import { NO_TRACING, type Tracing, workerTracingOptions } from '../infra/tracing';
import type { HotState } from '../infra/hot-state';
import { LiveState } from '../live/live-state';
import type { MqttClient } from '../infra/mqtt';
import type { PileTopics } from '../device-protocol/topics';
import { SessionAdmissionsByMode } from '../payments/session-admissions';
import { SessionPaymentsByMode, WalletSessionPayments } from '../payments/session-payments';
import { PayscoreOrders } from '../db/payscore-orders';
import { createPayscoreActivities } from '../activities/payscore-activities';
import { WalletPayments } from '../db/wallet';
import { TemporalSessionWorkflows } from './session-sweeper';
import { TemporalRefundWatch } from '../payments/refund-watch';
import { WORKER_DEFAULT_SANDBOX, type WorkflowSandbox, setWorkflowSandbox, workflowCode } from './workflow-code';

/**
 * The session activities with their production dependencies. `wrapPayments` lets a caller put something in
 * front of the payment provider (the tests use it to make captures fail as an unreachable provider would).
 */
export function buildSessionActivities(deps: ActivityDeps) {
  return createSessionActivities(sessionPorts(deps));
}

/**
 * The sweep's activities: the session ports, Temporal to tell closed workflows from running ones, and the refunds
 * whose workflow (on `taskQueue`) it starts when nobody did.
 */
export function buildSweeperActivities(deps: ActivityDeps & { temporal: Client; taskQueue: string }) {
  const wallet = new WalletPayments(deps.db);
  const watch = new TemporalRefundWatch({ temporal: deps.temporal, taskQueue: deps.taskQueue });
  return createSweeperActivities({
    ...sessionPorts(deps),
    workflows: new TemporalSessionWorkflows(deps.temporal),
    refunds: { processingOpenedBefore: (beforeMs, limit) => wallet.processingRefundsOpenedBefore(beforeMs, limit), watch: (outRefundNo) => watch.watch(outRefundNo) },
    clock: Date.now,
  });
}

/** Operators' pile commands: their records, the command publisher, and the session records a start or stop follows. */
export function buildPileCommandActivities(deps: ActivityDeps) {
  const { pileCommands } = sessionPorts(deps);
  return createPileCommandActivities({ commands: new PileCommandRecords(deps.db), pileCommands, sessions: new SessionProgressRecords(deps.db) });
}

/**
 * The alarm workflows' activities: the alarm log and on-call lists, SMS (SMS_PROVIDER) and WeChat subscribe
 * messages (WECHAT_APP_ID/SECRET and WECHAT_ALARM_TEMPLATE_ID); a channel not configured is skipped.
 */
export function buildAlarmActivities(deps: { db: Database; alarmEnv?: AlarmsEnv & Partial<WeChatEnv> }) {
  const env = deps.alarmEnv;
  const smsConfig = env && tencentSmsConfigFrom(env);
  const quietMs = (env?.ALARM_QUIET_SECONDS ?? 300) * 1000;
  return createAlarmActivities({
    alarms: new AlarmLog(deps.db, { quietMs }),
    onCall: new OnCallRoster(deps.db),
    sms: smsConfig && new TencentSms(smsConfig),
    wechat: env?.WECHAT_API_BASE ? wechatMessengerFrom(wechatConfigFrom(env as WeChatEnv), env.WECHAT_ALARM_TEMPLATE_ID) : undefined,
    settings: { escalationMs: (env?.ALARM_ESCALATION_MINUTES ?? 10) * 60_000, quietMs },
    clock: Date.now,
  });
}

/** Everything the worker runs: session, sweeper, pile-command, alarm, pending top-up, Payscore order and refund activities. */
export function buildWorkerActivities(deps: ActivityDeps & { temporal: Client; taskQueue: string; pendingTopUps?: PendingTopUps; refunds?: PayerRefunds; reconciliation?: PaymentReconciliation }) {
  return {
    ...buildSessionActivities(deps),
    ...buildSweeperActivities(deps),
    ...buildPileCommandActivities(deps),
    ...buildAlarmActivities(deps),
    ...createTopUpActivities({ topUps: deps.pendingTopUps ?? topUpsNotConfigured }),
    ...createPayscoreActivities({ payscore: deps.payscore ?? payscoreNotConfigured }),
    ...createRefundActivities({ refunds: deps.refunds ?? buildRefundDesk(deps.db, undefined) }),
    ...createBillNoticeActivities({ bills: deps.billNotices?.sender ?? billsNotConfigured }),
    ...createReconciliationActivities({ reconciliation: deps.reconciliation ?? reconciliationNotConfigured }),
    ...buildStatsActivities(deps),
  };
}

/** A worker without the WECHAT_PAY_ settings: a reconciliation it picks up fails (and retries) until a configured worker takes it. */
const reconciliationNotConfigured: PaymentReconciliation = {
  reconcileDay: () => Promise.reject(new Error('WeChat Pay is not configured on this worker: give it the same WECHAT_PAY_ settings as the API')),
};

/** The dashboards' rollup refresh: the rollups in the operator's time zone (OPERATOR_TIME_ZONE), the recent days. */
export function buildStatsActivities(deps: { db: Database; statsEnv?: StatsEnv }) {
  const timeZone = deps.statsEnv?.OPERATOR_TIME_ZONE ?? DEFAULT_OPERATOR_TIME_ZONE;
  return createStatsActivities({ rollups: new StatsRollups(deps.db, timeZone), recentDays: deps.statsEnv?.STATS_RECOMPUTE_DAYS ?? 3, clock: Date.now });
}

/** A worker built without bill notices (some tests): a bill notice it picks up says so. */
const billsNotConfigured: BillNotices = { send: async () => 'skipped: bill notices are not configured on this worker' };

/** Bill notices of a worker: handed over at settlement to a workflow each, sent by WeChat subscribe message when configured. */
export function buildBillNotices(env: WeChatEnv, deps: { db: Database; temporal: Client; taskQueue: string }): { queue: BillNoticeQueue; sender: BillNotices } {
  return {
    queue: new TemporalBillNoticeQueue({ temporal: deps.temporal, taskQueue: deps.taskQueue }),
    sender: new WeChatBillNotices({
      db: deps.db,
      messenger: wechatMessengerFrom(wechatConfigFrom(env), env.WECHAT_BILL_TEMPLATE_ID),
      fields: env.WECHAT_BILL_TEMPLATE_FIELDS ?? DEFAULT_BILL_TEMPLATE_FIELDS,
    }),
  };
}

/** A worker without the WECHAT_PAY_ settings: a watch it picks up fails (and retries) until a configured worker takes it. */
const topUpsNotConfigured: PendingTopUps = {
  settlePending: () => Promise.reject(new Error('WeChat Pay is not configured on this worker: give it the same WECHAT_PAY_ settings as the API')),
};

/** A worker without WECHAT_PAYSCORE_SERVICE_ID: a Payscore watch it picks up fails (and retries) until a configured worker takes it. */
const payscoreNotConfigured: PendingPayscoreOrders = {
  settlePending: () => Promise.reject(new Error('WeChat Pay Score is not configured on this worker: give it the same WECHAT_PAY_ and WECHAT_PAYSCORE_ settings as the API')),
};

interface ActivityDeps {
  /** Settled bills told to drivers (WECHAT_BILL_TEMPLATE_ID); unset: nobody is told. */
  billNotices?: { queue: BillNoticeQueue; sender: BillNotices };
  db: Database;
  hot: HotState;
  mqtt: MqttClient;
  pileMasterKey: string;
  topics: PileTopics;
  wrapPayments?: (payments: PaymentProvider) => PaymentProvider;
  /** Sessions paid with WeChat Pay Score and their orders' watches (WECHAT_PAYSCORE_SERVICE_ID); unset: the wallet only. */
  payscore?: PaymentProvider & PendingPayscoreOrders;
  /** Escalation, quiet period and notification channels; unset: defaults, and nobody told by SMS or WeChat. */
  alarmEnv?: AlarmsEnv & Partial<WeChatEnv>;
  /** The operator's time zone and how many recent days the rollup refresh recomputes; unset: Asia/Shanghai, 3. */
  statsEnv?: StatsEnv;
}

function sessionPorts(deps: ActivityDeps) {
  const walletPayments = new WalletPayments(deps.db);
  const wallet = new WalletSessionPayments({ db: deps.db, wallet: walletPayments, orders: new Orders(deps.db) });
  const byMode = new SessionPaymentsByMode({ modes: new PayscoreOrders(deps.db), wallet, payscore: deps.payscore });
  const payments = deps.wrapPayments ? deps.wrapPayments(byMode) : byMode;
  const sessions = new SequelizeSessionStore(deps.db);
  return {
    sessions,
    admissions: new SessionAdmissionsByMode({ db: deps.db, sessions, wallet: walletPayments, payments }),
    payments,
    pileCommands: new ProtocolPileCommands({
      piles: new PileRegistry({ db: deps.db, hot: deps.hot }),
      mqtt: new MqttPileCommands({ mqtt: deps.mqtt, masterKey: deps.pileMasterKey, topics: deps.topics }),
      ocpp: new OcppPileCommands({ hot: deps.hot }),
    }),
    live: new LiveState(deps.hot),
    bills: deps.billNotices?.queue,
  };
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof buildWorkerActivities>;
  /** Cache and concurrency limits; each one unset keeps the SDK's default. */
  tuning?: WorkerEnv;
  /** Where workflow and activity spans go; unset: nowhere. */
  tracing?: Tracing;
}

/** The limits a worker actually runs with, defaults included (logged at start, read by the benchmarks). */
export interface WorkerSettings {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTasks?: number;
  maxConcurrentActivities?: number;
  stickyQueueTimeoutMs: number;
  workflowCode: 'prebuilt bundle' | 'bundled at start';
  /** Whether workflows run with the OpenTelemetry interceptors (only when tracing is on). */
  workflowTracing: boolean;
  /** Whether workflows record promise stack traces, and whether replays run under the deadlock timeout. */
  workflowSandbox: WorkflowSandbox;
}

export interface RunningWorker {
  /** Settles when the worker stops (rejects if it crashed). */
  done: Promise<void>;
  settings: WorkerSettings;
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const tracing = options.tracing ?? NO_TRACING;
  const workflowTracing = options.tuning?.WORKER_WORKFLOW_TRACING ?? 'auto';
  const traced = workflowTracing === 'auto' ? tracing.enabled : workflowTracing === 'on';
  const code = workflowCode({ traced });
  const { sinks, activityInterceptors } = workerTracingOptions(tracing, { workflowsTraced: traced });
  const sandbox: WorkflowSandbox = {
    stackTraces: options.tuning?.WORKER_WORKFLOW_STACK_TRACES ?? WORKER_DEFAULT_SANDBOX.stackTraces,
    deadlockTimeoutOnReplay: options.tuning?.WORKER_DEADLOCK_TIMEOUT_ON_REPLAY ?? WORKER_DEFAULT_SANDBOX.deadlockTimeoutOnReplay,
  };
  setWorkflowSandbox(sandbox);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...('workflowBundle' in code
      ? { workflowBundle: code.workflowBundle, interceptors: { activity: activityInterceptors } }
      : { workflowsPath: code.workflowsPath, interceptors: { activity: activityInterceptors, workflowModules: code.workflowInterceptorModules } }),
    sinks,
    activities: options.activities,
    maxCachedWorkflows: options.tuning?.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: options.tuning?.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: options.tuning?.WORKER_MAX_CONCURRENT_ACTIVITIES,
    stickyQueueScheduleToStartTimeout: options.tuning?.WORKER_STICKY_QUEUE_TIMEOUT_MS,
  });
  const done = worker.run();
  const { tuner } = worker.options;
  // Fixed-size slot suppliers (the default) have a number of slots; a resource-based tuner has none.
  const slots = (supplier: object) => ('numSlots' in supplier ? (supplier.numSlots as number) : undefined);
  return {
    done,
    settings: {
      maxCachedWorkflows: worker.options.maxCachedWorkflows,
      maxConcurrentWorkflowTasks: slots(tuner.workflowTaskSlotSupplier),
      maxConcurrentActivities: slots(tuner.activityTaskSlotSupplier),
      stickyQueueTimeoutMs: worker.options.stickyQueueScheduleToStartTimeoutMs,
      workflowCode: 'workflowBundle' in code ? 'prebuilt bundle' : 'bundled at start',
      workflowTracing: traced,
      workflowSandbox: sandbox,
    },
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
