import type { SignalDefinition } from '@temporalio/workflow';
import { Registry } from 'prom-client';
import { AlarmLog } from '../../db/alarm-log';
import { type Database, createDatabase } from '../../db/database';
import { FleetCatalogue } from '../../db/fleet-catalogue';
import type { Alarm } from '../../db/models';
import { PileRegistry } from '../../db/pile-registry';
import { PileStatusHistory } from '../../db/pile-status-history';
import type { GatewayContext } from '../../device-gateway/context';
import { createGatewayMetrics } from '../../device-gateway/metrics';
import { SubscriptionShare } from '../../device-gateway/gateway-lease';
import { SessionRecordCache } from '../../device-gateway/session-cache';
import { SessionRecords } from '../../db/session-records';
import { RecoverableSessionRecords } from '../../device-gateway/session-records';
import type { SessionSignals } from '../../device-gateway/session-signals';
import type { PileCommandSignals } from '../../device-gateway/command-signals';
import { PileCommandRecords } from '../../db/pile-commands';
import type { PileCommandAck } from '../../workflows/pile-command.messages';
import { pileTopics } from '../../device-protocol/topics';
import { WatchedSessions } from '../../device-gateway/watched-sessions';
import { RedisHotState } from '../../infra/hot-state';
import { LiveState } from '../../live/live-state';
import { createLogger } from '../../infra/logger';
import { aTariff } from './builders';
import { createTestDatabase, TEST_REDIS_URL, testRedisPrefix, uniqueId } from './services';

/** The gateway's session-side port, recording what would be sent to workflows (tested for real end to end). */
export class RecordedSignals implements SessionSignals {
  readonly sent: { sessionId: string; signal: string; payload: any }[] = [];
  closedSessions = new Set<string>();

  async send<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T) {
    if (this.closedSessions.has(sessionId)) return 'session_closed' as const;
    this.sent.push({ sessionId, signal: signal.name, payload });
    return 'delivered' as const;
  }

  named(signal: string) {
    return this.sent.filter((s) => s.signal === signal);
  }
}

/** The gateway's command-side port, recording the acks it would relay to command workflows. */
export class RecordedCommandSignals implements PileCommandSignals {
  readonly sent: { commandId: string; ack: PileCommandAck }[] = [];

  async send(commandId: string, ack: PileCommandAck) {
    this.sent.push({ commandId, ack });
    return 'delivered' as const;
  }
}

export interface GatewayFixture {
  ctx: GatewayContext;
  signals: RecordedSignals;
  commandSignals: RecordedCommandSignals;
  hot: RedisHotState;
  /** The key prefix of `hot`: another connection to the same store (another node) uses it too. */
  hotKeyPrefix: string;
  live: LiveState;
  db: Database;
  stationId: string;
  pileIds: string[];
  metrics: Registry;
  alarms(pileId: string): Promise<Alarm[]>;
  close(): Promise<void>;
}

/** A gateway context on real Redis and MariaDB with one station and its piles registered. */
export async function gatewayFixture(options: { pileCount?: number; checkpointIntervalMs?: number } = {}): Promise<GatewayFixture> {
  const database = await createTestDatabase();
  const db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
  await db.migrate();
  const stationId = uniqueId('gw-station');
  const tariff = aTariff({ id: uniqueId('tariff') });
  const catalogue = new FleetCatalogue(db);
  await catalogue.addTariff(tariff);
  await catalogue.addStations([{ id: stationId, name: 'Gateway test', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: tariff.id }]);
  const pileIds = Array.from({ length: options.pileCount ?? 2 }, (_, i) => `${stationId}-p${i + 1}`);
  await catalogue.addPiles(pileIds.map((id) => ({ id, code: id, stationId, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T' })));

  const hotKeyPrefix = testRedisPrefix();
  const hot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: hotKeyPrefix });
  const live = new LiveState(hot);
  const signals = new RecordedSignals();
  const commandSignals = new RecordedCommandSignals();
  const metrics = new Registry();
  const alarms = new AlarmLog(db);
  const records = new RecoverableSessionRecords(live, new SessionRecords(db));
  const share = new SubscriptionShare();
  const ctx: GatewayContext = {
    live,
    records,
    sessions: new SessionRecordCache(records, { chargingTtlMs: options.checkpointIntervalMs ?? 60_000, share }),
    share,
    watched: new WatchedSessions(live),
    hot,
    signals,
    commands: new PileCommandRecords(db),
    commandSignals,
    piles: new PileRegistry({ db }),
    alarms,
    statusHistory: new PileStatusHistory(db),
    metrics: createGatewayMetrics(metrics),
    logger: createLogger({ level: 'silent', name: 'gateway-test' }),
    topics: pileTopics(),
    checkpointIntervalMs: options.checkpointIntervalMs ?? 60_000,
    clock: Date.now,
  };
  await ctx.watched.start();
  return {
    ctx,
    signals,
    commandSignals,
    hot,
    hotKeyPrefix,
    live,
    db,
    stationId,
    pileIds,
    metrics,
    alarms: (pileId) => alarms.ofPile(pileId),
    async close() {
      await ctx.watched.stop();
      await hot.close();
      await db.close();
      await database.drop();
    },
  };
}
