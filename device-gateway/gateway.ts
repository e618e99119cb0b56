import { PileCommandRecords } from '../db/pile-commands';
import { TemporalPileCommandSignals } from './command-signals';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { AlarmLog } from '../db/alarm-log';
import { PileStatusHistory } from '../db/pile-status-history';
import { TemporalAlarmWorkflows } from '../infra/alarm-workflows';
import type { Database } from '../db/database';
import { PileRegistry } from '../db/pile-registry';
import type { HotState } from '../infra/hot-state';
import { FairKeyedQueue } from '../infra/fair-keyed-queue';
import { LiveState } from '../live/live-state';
import type { Logger } from '../infra/logger';
import type { MessageTaker, MqttClient, TakenMessage as TakenMqttMessage } from '../infra/mqtt';
import type { GatewayContext } from './context';
import { createGatewayMetrics } from './metrics';
import { SessionRecordCache } from './session-cache';
import { SessionRecords } from '../db/session-records';
import { RecoverableSessionRecords } from './session-records';
import { WatchedSessions } from './watched-sessions';
import { TemporalSessionSignals } from './session-signals';
import { PilePresence } from './presence';
import { countLiveGateways, SubscriptionShare } from './gateway-lease';
import type { PileTopics, UplinkAddress, UplinkKind } from '../device-protocol/topics';
import { routeMessage, routeUplink } from './routing';
import { DEFAULT_UPLINK_LOAD_LIMITS, type PileQueueTail, type UplinkLoadLimits, admitUplink, isOverloaded, mayTakeMore } from './uplink-load';

export interface GatewayOptions {
  /** Shared-subscription group; empty for a broker without shared subscriptions. */
  sharedGroup: string;
  heartbeatTimeoutMs: number;
  /**
   * GATEWAY_LEASE_SECONDS of gateways that claim their name (gateway-lease.ts): the live ones share the per-pile
   * work (presence writes, session-record reads, progress saves). Unset: this gateway works as if alone.
   */
  gatewayLeaseMs?: number;
  sweepIntervalMs?: number;
  /** When it counts as overloaded and how much it may hold; unset: DEFAULT_UPLINK_LOAD_LIMITS. */
  load?: UplinkLoadLimits;
}

/** Opens the gateway's MQTT connection with `take` taking its messages from the start. */
export type ConnectGateway = (take: MessageTaker) => Promise<MqttClient>;

export interface RunningGateway {
  mqtt: MqttClient;
  /** Also routes the messages of adopted sessions (session-adoption.ts). */
  uplinks: UplinkConsumer;
  /** Ends the MQTT connection and finishes the messages already taken. */
  stop(): Promise<void>;
}

/**
 * Subscribes to every pile's uplink topics and handles each message. Messages of one pile are handled in
 * arrival order; different piles are handled concurrently, up to `GATEWAY_MAX_HANDLING` at once.
 */
export async function startGateway(ctx: GatewayContext, connect: ConnectGateway, options: GatewayOptions): Promise<RunningGateway> {
  const presence = new PilePresence(ctx, { heartbeatTimeoutMs: options.heartbeatTimeoutMs, share: ctx.share });
  await ctx.watched.start();
  const uplinks = new UplinkConsumer(ctx, presence, options.load);
  const mqtt = await connect(uplinks.take);
  reportConnectionLoss(ctx, mqtt);
  await mqtt.subscribeAsync(ctx.topics.gatewaySubscriptions(options.sharedGroup), { qos: 1 });

  const sweep = async () => {
    if (options.gatewayLeaseMs) {
      ctx.share.liveGateways = await countLiveGateways(ctx.hot, options.gatewayLeaseMs, ctx.clock());
    }
    await presence.sweep();
  };
  const sweeper = setInterval(() => {
    sweep().catch((err) => ctx.logger.error({ err }, 'offline sweep failed'));
  }, options.sweepIntervalMs ?? Math.min(10_000, options.heartbeatTimeoutMs / 3));

  return {
    mqtt,
    uplinks,
    /**
     * Ends the MQTT connection first, so nothing more is delivered here (what the broker keeps for a persistent
     * session waits for this gateway's return or for another gateway to adopt it), then finishes the messages
     * already taken.
     */
    async stop() {
      clearInterval(sweeper);
      await mqtt.endAsync();
      await uplinks.drain();
      await ctx.watched.stop();
    },
  };
}

/**
 * Routes the pile messages of one or more MQTT connections (its own, adopted ones); one pile's in arrival order,
 * at most `maxHandling` at once with the piles served in turn. A QoS 1 message (status, event, ack) is acknowledged
 * to the broker only once handled, so what a crashed gateway held is delivered again to whoever takes its session.
 * Bounded under overload (uplink-load.ts): a pile's newer telemetry sample replaces its older one still waiting,
 * and past `maxPending` messages the connections are not read until some finish (the broker holds the rest).
 */
export class UplinkConsumer {
  private readonly queue: FairKeyedQueue<TakenMessage>;
  private readonly blockedReads: (() => void)[] = [];
  private overloaded = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly presence: PilePresence,
    private readonly limits: UplinkLoadLimits = DEFAULT_UPLINK_LOAD_LIMITS,
  ) {
    this.queue = new FairKeyedQueue(limits.maxHandling, this.handle, this.finished);
  }

  /**
   * Takes the messages of every connection whose messages this gateway handles. mqtt.js reads a connection's next
   * packet only once `readNext` is called: holding it is the backpressure that bounds what the gateway takes in
   * (the broker keeps QoS 1 messages meanwhile).
   */
  readonly take: MessageTaker = (message, readNext) => {
    this.admit(message);
    if (mayTakeMore(this.pending, this.limits)) readNext();
    else this.blockedReads.push(readNext);
  };

  private admit({ topic, payload, settle }: TakenMqttMessage) {
    const address = this.ctx.topics.parseUplink(topic);
    const pileId = address?.pileId ?? '';
    const tail = this.queue.waitingTail(pileId);
    const admitted = address && tail?.address ? admitUplink(address.kind, waitingKind(tail.address.kind)) : 'enqueue';
    if (admitted === 'enqueue') {
      this.queue.push(pileId, { topic, address, payload, takenAt: performance.now(), settle });
      this.updateLoad();
      return;
    }
    // Either way one of the two messages goes unhandled: the waiting one replaced, or the arriving one dropped.
    this.ctx.metrics.countShed(admitted === 'replace_waiting' ? tail!.address!.kind : address!.kind);
    if (admitted === 'drop') return settle();
    tail!.settle();
    Object.assign(tail!, { address, payload, takenAt: performance.now(), settle });
  }

  /** Routing never rejects. */
  private readonly handle = (message: TakenMessage): Promise<unknown> => {
    const { address, payload } = message;
    if (!address) return routeMessage(this.ctx, this.presence, message.topic, payload);
    this.ctx.metrics.observeWait(address.kind, (performance.now() - message.takenAt) / 1000);
    return routeUplink(this.ctx, this.presence, address, payload);
  };

  /** Whatever its outcome the message is acknowledged: one that failed after its retries would fail again. */
  private readonly finished = (message: TakenMessage) => {
    message.settle();
    this.updateLoad();
  };

  drain(): Promise<void> {
    return this.queue.drain();
  }

  /** Every pile message taken from the broker and not yet finished (waiting behind its pile's earlier messages, or running). */
  private get pending(): number {
    return this.queue.running + this.queue.waiting;
  }

  private updateLoad() {
    const pending = this.pending;
    const overloaded = isOverloaded(pending, this.overloaded, this.limits);
    if (overloaded !== this.overloaded) {
      this.overloaded = overloaded;
      this.ctx.metrics.overloaded.set(overloaded ? 1 : 0);
      this.ctx.logger.warn({ pending }, overloaded ? 'gateway overloaded: more pile messages waiting than GATEWAY_OVERLOADED_AT; waiting telemetry samples are being replaced by newer ones' : 'gateway no longer overloaded');
    }
    while (this.blockedReads.length && mayTakeMore(this.pending, this.limits)) this.blockedReads.shift()!();
  }
}

function waitingKind(kind: UplinkKind): PileQueueTail {
  return kind === 'telemetry' ? 'waiting_telemetry' : kind === 'heartbeat' ? 'waiting_heartbeat' : 'other';
}

/** A pile message taken off a connection, not yet handled; while it waits, a newer sample of its pile may take its place (uplink-load.ts). */
interface TakenMessage {
  topic: string;
  address: UplinkAddress | undefined;
  payload: Buffer;
  takenAt: number;
  /** Acknowledges it to the broker (QoS 1), once handled or replaced. */
  settle(): void;
}

/** A gateway that loses its broker connection says so loudly: another process under its client id takes it over. */
function reportConnectionLoss(ctx: GatewayContext, mqtt: MqttClient): void {
  const clientId = mqtt.options.clientId;
  mqtt.on('close', () => {
    if (mqtt.disconnecting) return;
    ctx.metrics.brokerDisconnects.inc();
    ctx.logger.error({ clientId }, 'gateway lost its MQTT connection: the broker went away, or another client connected with this client id and took the session over (give each gateway its own GATEWAY_CLIENT_ID); reconnecting');
  });
  mqtt.on('error', (err) => ctx.logger.error({ err, clientId }, 'MQTT connection error'));
}

/** The gateway's dependencies with their production implementations. */
export function buildGatewayContext(deps: {
  db: Database;
  hot: HotState;
  temporal: Client;
  logger: Logger;
  metrics: Registry;
  topics: PileTopics;
  checkpointIntervalMs: number;
  /** Where alarm workflows run (the worker's task queue); unset: alarms are recorded but start no workflow. */
  taskQueue?: string;
  alarmQuietMs?: number;
}): GatewayContext {
  const live = new LiveState(deps.hot);
  const records = new RecoverableSessionRecords(live, new SessionRecords(deps.db));
  const share = new SubscriptionShare();
  return {
    live,
    records,
    sessions: new SessionRecordCache(records, { chargingTtlMs: deps.checkpointIntervalMs, share }),
    share,
    watched: new WatchedSessions(live),
    hot: deps.hot,
    signals: new TemporalSessionSignals(deps.temporal),
    commands: new PileCommandRecords(deps.db),
    commandSignals: new TemporalPileCommandSignals(deps.temporal),
    piles: new PileRegistry({ db: deps.db, hot: deps.hot, ttlMs: 10 * 60_000 }),
    alarms: new AlarmLog(deps.db, {
      quietMs: deps.alarmQuietMs,
      workflows: deps.taskQueue ? new TemporalAlarmWorkflows({ temporal: deps.temporal, taskQueue: deps.taskQueue, logger: deps.logger }) : undefined,
    }),
    statusHistory: new PileStatusHistory(deps.db),
    metrics: createGatewayMetrics(deps.metrics),
    logger: deps.logger,
    topics: deps.topics,
    checkpointIntervalMs: deps.checkpointIntervalMs,
    clock: Date.now,
  };
}
