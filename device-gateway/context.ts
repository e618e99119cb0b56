import type { AlarmLog } from '../db/alarm-log';
import type { PileRegistry, RegisteredPile } from '../db/pile-registry';
import { type PileStatusHistory, isAvailableState } from '../db/pile-status-history';
import type { HotState } from '../infra/hot-state';
import type { LiveState } from '../live/live-state';
import type { Logger } from '../infra/logger';
import type { GatewayMetrics } from './metrics';
import type { PileTopics } from '../device-protocol/topics';
import type { SubscriptionShare } from './gateway-lease';
import type { SessionRecordCache } from './session-cache';
import type { RecoverableSessionRecords } from './session-records';
import type { SessionSignals } from './session-signals';
import type { WatchedSessions } from './watched-sessions';
import type { PileCommandRecords } from '../db/pile-commands';
import type { PileCommandSignals } from './command-signals';
import type { SignalDefinition } from '@temporalio/workflow';

/** Everything a message handler may use; built once by the gateway's composition root. */
export interface GatewayContext {
  live: LiveState;
  /** Sessions' live records and pile occupancy, put back from durable records when the hot store lost them. */
  records: RecoverableSessionRecords;
  /** Charging sessions' live records, read through `records` on the telemetry path. */
  sessions: SessionRecordCache;
  /** How many gateways share the MQTT subscription; the cache above and the MQTT presence spread per-pile work by it. */
  share: SubscriptionShare;
  /** Sessions someone is watching: only they get live progress. */
  watched: WatchedSessions;
  hot: HotState;
  signals: SessionSignals;
  /** Operators' commands: which pile each was sent to, and their workflows' ack signal. */
  commands: Pick<PileCommandRecords, 'pileOf'>;
  commandSignals: PileCommandSignals;
  piles: Pick<PileRegistry, 'lookup'>;
  alarms: Pick<AlarmLog, 'raise' | 'clear'>;
  /** Piles' availability over time, for the dashboards; unset: not recorded. */
  statusHistory?: Pick<PileStatusHistory, 'record'>;
  metrics: GatewayMetrics;
  /** In a handler, the message's logger: every line names its pile (and session) (messageContext). */
  logger: Logger;
  topics: PileTopics;
  checkpointIntervalMs: number;
  clock: () => number;
}

export type Handler<M> = (ctx: GatewayContext, pile: RegisteredPile, message: M) => Promise<void>;

/** What every log line written while handling one pile message names. */
export interface MessageLogFields {
  pileId: string;
  sessionId?: string;
}

/** Per gateway context, the prototype of its message contexts: the gateway context itself, with a message logger. */
const messagePrototypes = new WeakMap<GatewayContext, GatewayContext>();

/**
 * The context for handling one pile message: the gateway's, whose `logger` puts the message's pile (and session)
 * on every line. Passed along explicitly rather than kept in an AsyncLocalStorage, whose promise hooks would tax
 * every promise of the process; the child logger is made only when something logs (most telemetry logs nothing),
 * and the context inherits the rest from the gateway's, so a message costs one small object, not a copy.
 */
export function messageContext(ctx: GatewayContext, logFields: MessageLogFields): GatewayContext {
  let prototype = messagePrototypes.get(ctx);
  if (!prototype) {
    prototype = Object.create(ctx, {
      logger: {
        get(this: { logFields: MessageLogFields; messageLogger?: Logger }) {
          return (this.messageLogger ??= ctx.logger.child(this.logFields));
        },
      },
    }) as GatewayContext;
    messagePrototypes.set(ctx, prototype);
  }
  return Object.assign(Object.create(prototype) as GatewayContext, { logFields });
}

/** Sends a signal to a session workflow, counts it and observes how long acceptance took. */
export async function signalSession<T>(ctx: GatewayContext, sessionId: string, signal: SignalDefinition<[T]>, payload: T): Promise<void> {
  const accepted = ctx.metrics.signalLagSeconds.startTimer({ signal: signal.name });
  const result = await ctx.signals.send(sessionId, signal, payload);
  if (result === 'delivered') accepted();
  ctx.metrics.signals.inc({ signal: signal.name, result });
}

/**
 * Hands a signal over without waiting for Temporal, so the pile's next messages are not held up behind the
 * round trip; it still leaves after the session's earlier signals. A failure is counted and logged: retrying the
 * message would not resend it anyway, because its checkpoint slot is already claimed.
 */
export function relayToSession<T>(ctx: GatewayContext, sessionId: string, signal: SignalDefinition<[T]>, payload: T): void {
  signalSession(ctx, sessionId, signal, payload).catch((err: unknown) => {
    ctx.metrics.signals.inc({ signal: signal.name, result: 'failed' });
    ctx.logger.error({ err, sessionId, signal: signal.name }, 'could not signal the session');
  });
}

/** Records a pile's new state in the availability history when it turns available or unavailable. */
export async function recordAvailability(ctx: GatewayContext, pileId: string, previous: string | undefined, next: string, at: Date): Promise<void> {
  if (!ctx.statusHistory || (previous !== undefined && isAvailableState(previous) === isAvailableState(next))) return;
  await ctx.statusHistory.record(pileId, next, at);
}
