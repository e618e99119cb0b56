import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { AlarmLog } from '../db/alarm-log';
import { PileRegistry } from '../db/pile-registry';
import { ActiveSessionRecords } from '../db/session-store';
import type { HotState } from '../infra/hot-state';
import { LiveState } from '../infra/live-state';
import type { Logger } from '../infra/logger';
import type { MqttClient } from '../infra/mqtt';
import type { GatewayContext } from './context';
import { createGatewayMetrics } from './metrics';
import { SessionRecordCache } from './session-cache';
import { SessionRecords } from './session-records';
import { WatchedSessions } from './watched-sessions';
import { TemporalSessionSignals } from './session-signals';
import { PilePresence } from './presence';
import { gatewaySubscriptions, parseUplinkTopic } from './protocol/topics';
import { routeMessage } from './routing';

export interface GatewayOptions {
  /** Shared-subscription group; empty for a broker without shared subscriptions. */
  sharedGroup: string;
  heartbeatTimeoutMs: number;
  sweepIntervalMs?: number;
}

export interface RunningGateway {
  stop(): Promise<void>;
}

/**
 * Subscribes to every pile's uplink topics and handles each message. Messages of one pile are handled in
 * arrival order; different piles are handled concurrently.
 */
export async function startGateway(ctx: GatewayContext, mqtt: MqttClient, options: GatewayOptions): Promise<RunningGateway> {
  const presence = new PilePresence(ctx, { heartbeatTimeoutMs: options.heartbeatTimeoutMs });
  await ctx.watched.start();
  const queues = new Map<string, Promise<unknown>>();

  mqtt.on('message', (topic, payload) => {
    const key = parseUplinkTopic(topic)?.pileId ?? '';
    const next = (queues.get(key) ?? Promise.resolve()).then(() => routeMessage(ctx, presence, topic, payload));
    queues.set(key, next);
    void next.finally(() => {
      if (queues.get(key) === next) queues.delete(key);
    });
  });
  await mqtt.subscribeAsync(gatewaySubscriptions(options.sharedGroup), { qos: 1 });

  const sweeper = setInterval(() => {
    presence.sweep().catch((err) => ctx.logger.error({ err }, 'offline sweep failed'));
  }, options.sweepIntervalMs ?? Math.min(10_000, options.heartbeatTimeoutMs / 3));

  return {
    /** Stops taking messages; a persistent session keeps its subscriptions for the next start. */
    async stop() {
      clearInterval(sweeper);
      await ctx.watched.stop();
      mqtt.removeAllListeners('message');
      await Promise.allSettled(queues.values());
    },
  };
}

/** The gateway's dependencies with their production implementations. */
export function buildGatewayContext(deps: { hot: HotState; temporal: Client; logger: Logger; metrics: Registry; checkpointIntervalMs: number }): GatewayContext {
  const live = new LiveState(deps.hot);
  const records = new SessionRecords(live, new ActiveSessionRecords());
  return {
    live,
    records,
    sessions: new SessionRecordCache(records),
    watched: new WatchedSessions(live),
    hot: deps.hot,
    signals: new TemporalSessionSignals(deps.temporal),
    piles: new PileRegistry({ ttlMs: 10 * 60_000 }),
    alarms: new AlarmLog(),
    metrics: createGatewayMetrics(deps.metrics),
    logger: deps.logger,
    checkpointIntervalMs: deps.checkpointIntervalMs,
    clock: Date.now,
  };
}
