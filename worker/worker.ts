import { NativeConnection, Worker } from '@temporalio/worker';
import type { PaymentProvider } from '../activities/ports';
import { createSessionActivities } from '../activities/session-activities';
import type { Database } from '../db/database';
import { SequelizeSessionStore } from '../db/session-store';
import { MqttPileCommands } from '../device-gateway/pile-commands';
import type { HotState } from '../infra/hot-state';
import { LiveState } from '../infra/live-state';
import type { MqttClient } from '../infra/mqtt';
import { WalletPayments } from '../payments/wallet';

/**
 * The session activities with their production dependencies. `wrapPayments` lets a caller put something in
 * front of the payment provider (the tests use it to make captures fail as an unreachable provider would).
 */
export function buildSessionActivities(deps: {
  db: Database;
  hot: HotState;
  mqtt: MqttClient;
  pileMasterKey: string;
  wrapPayments?: (payments: PaymentProvider) => PaymentProvider;
}) {
  const payments = new WalletPayments(deps.db);
  return createSessionActivities({
    sessions: new SequelizeSessionStore(deps.db),
    payments: deps.wrapPayments ? deps.wrapPayments(payments) : payments,
    pileCommands: new MqttPileCommands({ mqtt: deps.mqtt, masterKey: deps.pileMasterKey }),
    live: new LiveState(deps.hot),
  });
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof buildSessionActivities>;
  maxCachedWorkflows?: number;
}

export interface RunningWorker {
  /** Settles when the worker stops (rejects if it crashed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: options.activities,
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  const done = worker.run();
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
