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
import { KeyedQueue } from '../infra/keyed-queue';
import { LiveState } from '../live/live-state';
import type { Logger } from '../infra/logger';
import type { MqttClient, OnMessageCallback } from '../infra/mqtt';
import type { GatewayContext } from './context';
import { createGatewayMetrics } from './metrics';
import { SessionRecordCache } from './session-cache';
import { SessionRecords } from '../db/session-records';
import { RecoverableSessionRecords } from './session-records';
import { WatchedSessions } from './watched-sessions';
import { TemporalSessionSignals } from './session-signals';
import { PilePresence } from './presence';
import type { PileTopics } from '../device-protocol/topics';
import { routeMessage, routeUplink } from './routing';
import { DEFAULT_UPLINK_LOAD_LIMITS, type UplinkLoadLimits, admitUplink, isOverloaded, mayTakeMore } from './uplink-load';

export interface GatewayOptions {
  /** Shared-subscription group; empty for a broker without shared subscriptions. */
  sharedGroup: string;
  heartbeatTimeoutMs: number;
  sweepIntervalMs?: number;
  /** When it counts as overloaded and how much it may hold; unset: DEFAULT_UPLINK_LOAD_LIMITS. */
  load?: UplinkLoadLimits;
}

/** Opens the gateway's MQTT connection with `onMessage` listening from the start. */
export type ConnectGateway = (onMessage: OnMessageCallback) => Promise<MqttClient>;

export interface RunningGateway {
  mqtt: MqttClient;
  /** Also routes the messages of adopted sessions (session-adoption.ts). */
  uplinks: UplinkConsumer;
  /** Ends the MQTT connection and finishes the messages already taken. */
  stop(): Promise<void>;
}

/**
 * Subscribes to every pile's uplink topics and handles each message. Messages of one pile are handled in
 * arrival order; different piles are handled concurrently.
 */
export async function startGateway(ctx: GatewayContext, connect: ConnectGateway, options: GatewayOptions): Promise<RunningGateway> {
  const presence = new PilePresence(ctx, { heartbeatTimeoutMs: options.heartbeatTimeoutMs });
  await ctx.watched.start();
  const uplinks = new UplinkConsumer(ctx, presence, options.load);
  const mqtt = await connect(uplinks.onMessage);
  uplinks.applyBackpressure(mqtt);
  reportConnectionLoss(ctx, mqtt);
  await mqtt.subscribeAsync(ctx.topics.gatewaySubscriptions(options.sharedGroup), { qos: 1 });

  const sweeper = setInterval(() => {
    presence.sweep().catch((err) => ctx.logger.error({ err }, 'offline sweep failed'));
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
 * Routes the pile messages of one or more MQTT connections (its own, adopted ones); one pile's in arrival order.
 * Bounded under overload (uplink-load.ts): a pile's newer telemetry sample replaces its older one still waiting,
 * and past `maxPending` messages the connections are not read until some finish (the broker holds the rest).
 */
export class UplinkConsumer {
  private readonly perPile = new KeyedQueue();
  /** Each pile's telemetry sample queued at the tail of its queue and not started yet. */
  private readonly waitingTelemetry = new Map<string, { payload: Buffer }>();
  private readonly blockedReads: (() => void)[] = [];
  private pending = 0;
  private overloaded = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly presence: PilePresence,
    private readonly limits: UplinkLoadLimits = DEFAULT_UPLINK_LOAD_LIMITS,
  ) {}

  /** The listener of every connection whose messages this gateway handles. */
  readonly onMessage: OnMessageCallback = (topic, payload) => {
    const address = this.ctx.topics.parseUplink(topic);
    const pileId = address?.pileId ?? '';
    const waiting = this.waitingTelemetry.get(pileId);
    if (address && admitUplink(address.kind, waiting ? 'waiting_telemetry' : 'other') === 'replace_waiting') {
      waiting!.payload = payload;
      this.ctx.metrics.shed.inc({ kind: address.kind });
      return;
    }
    this.waitingTelemetry.delete(pileId);
    const slot = { payload };
    if (address?.kind === 'telemetry') this.waitingTelemetry.set(pileId, slot);
    this.taken(1);
    void this.perPile
      .run(pileId, () => {
        if (this.waitingTelemetry.get(pileId) === slot) this.waitingTelemetry.delete(pileId);
        return address ? routeUplink(this.ctx, this.presence, address, slot.payload) : routeMessage(this.ctx, this.presence, topic, slot.payload);
      })
      .then(this.finished, this.finished);
  };

  /** One message is done (routing never rejects); not `finally`, which costs two more promises per message. */
  private readonly finished = () => this.taken(-1);

  /**
   * mqtt.js reads a connection's next packet only once its `handleMessage` calls back: holding it is the
   * backpressure that bounds what the gateway takes in (the broker keeps QoS 1 messages meanwhile).
   */
  applyBackpressure(client: MqttClient): void {
    client.handleMessage = (_packet, callback) => {
      if (mayTakeMore(this.pending, this.limits)) callback();
      else this.blockedReads.push(() => callback());
    };
  }

  drain(): Promise<void> {
    return this.perPile.drain();
  }

  private taken(delta: number) {
    this.pending += delta;
    const overloaded = isOverloaded(this.pending, this.overloaded, this.limits);
    if (overloaded !== this.overloaded) {
      this.overloaded = overloaded;
      this.ctx.metrics.overloaded.set(overloaded ? 1 : 0);
      this.ctx.logger.warn({ pending: this.pending }, overloaded ? 'gateway overloaded: more pile messages waiting than GATEWAY_OVERLOADED_AT; waiting telemetry samples are being replaced by newer ones' : 'gateway no longer overloaded');
    }
    while (this.blockedReads.length && mayTakeMore(this.pending, this.limits)) this.blockedReads.shift()!();
  }
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
  return {
    live,
    records,
    sessions: new SessionRecordCache(records),
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
