import type { RegisteredPile } from '../db/pile-registry';
import { hotKeys } from '../infra/hot-state/keys';
import { type GatewayContext, recordAvailability } from './context';
import { SubscriptionShare } from './gateway-lease';

/**
 * Heartbeat-timeout detection, for piles whose MQTT connection stays up while the pile stops talking
 * (a dead TCP connection is caught sooner by the broker's keep-alive and the pile's last will).
 * Last-seen times go to a shared sorted set. Each gateway of a shared subscription hears every pile in turn, so a
 * gateway writes a pile's time at most once per `writeEveryMs` × the live gateways: together they write it about
 * once per `writeEveryMs`, whatever their number. The interval never exceeds a third of the heartbeat timeout, so
 * a pile heard by one gateway only is never swept as silent.
 */
export class PilePresence {
  private readonly lastWritten = new Map<string, number>();
  /**
   * Piles this gateway has heard since it started. Hearing a pile for the first time clears its open offline
   * alarm even when the live state has no record of the silence: an embedded platform loses that state when
   * it restarts, while the alarm, in the database, stays open.
   */
  private readonly heardSinceStart = new Set<string>();
  private readonly share: SubscriptionShare;

  /** `share`: the MQTT gateways' count (startGateway); unset, as for OCPP's own connections: heard by this one only. */
  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: { heartbeatTimeoutMs: number; writeEveryMs?: number; share?: SubscriptionShare },
  ) {
    this.share = options.share ?? new SubscriptionShare();
  }

  async seen(pile: RegisteredPile): Promise<void> {
    const now = this.ctx.clock();
    if (now - (this.lastWritten.get(pile.pileId) ?? 0) < this.writeEveryMs()) return;
    this.lastWritten.set(pile.pileId, now);
    const heardAgain = await this.ctx.live.pileHeard(pile.pileId, pile.stationId, now);
    if (heardAgain) await recordAvailability(this.ctx, pile.pileId, 'offline', (await this.ctx.live.pileDevice(pile.pileId)).state ?? 'idle', new Date(now));
    if (heardAgain || !this.heardSinceStart.has(pile.pileId)) await this.ctx.alarms.clear(pile.pileId, 'offline', new Date(now));
    this.heardSinceStart.add(pile.pileId);
  }

  /** Marks piles not heard from within the timeout offline and raises an alarm for each. */
  async sweep(): Promise<number> {
    const now = this.ctx.clock();
    const silent = await this.ctx.hot.membersScoredBelow(hotKeys.pilesLastSeen, now - this.options.heartbeatTimeoutMs, 1000);
    let marked = 0;
    for (const pileId of silent) {
      await this.ctx.hot.scoreRemove(hotKeys.pilesLastSeen, pileId);
      this.lastWritten.delete(pileId);
      const pile = await this.ctx.piles.lookup(pileId);
      if (!pile || !(await this.ctx.live.pileFellSilent(pileId, pile.stationId, now))) continue;
      await this.ctx.statusHistory?.record(pileId, 'offline', new Date(now));
      await this.ctx.alarms.raise(pileId, 'offline', 'HEARTBEAT_TIMEOUT', `no message for ${Math.round(this.options.heartbeatTimeoutMs / 1000)} s`, new Date(now));
      marked += 1;
    }
    this.ctx.metrics.pilesMarkedOffline.inc(marked);
    return marked;
  }

  private writeEveryMs(): number {
    const alone = this.options.writeEveryMs ?? 15_000;
    return Math.max(alone, Math.min(alone * this.share.liveGateways, this.options.heartbeatTimeoutMs / 3));
  }
}
