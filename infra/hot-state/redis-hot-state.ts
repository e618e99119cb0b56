import Redis from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type GeoHit, type GeoPosition, type HotState } from './hot-state';

/** Compare-and-act on one key in one step, so a lease that changed hands is never touched by its former holder. */
const EXTEND_IF_HELD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const DELETE_IF_HELD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const SCORE_SET_THEN_HASH_GET = "redis.call('zadd', KEYS[1], ARGV[1], ARGV[2]) return redis.call('hmget', KEYS[2], unpack(ARGV, 3))";

/** Scripts run by EVALSHA (ioredis loads them once): `defineCommand` adds each as a method of the client. */
interface ScriptCommands {
  scoreSetThenHashGet(scoreKey: string, hashKey: string, score: number, member: string, ...fields: string[]): Promise<(string | null)[]>;
}

export class RedisHotState implements HotState {
  private readonly commands: Redis & ScriptCommands;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  /** `keyPrefix` namespaces every key (not pub/sub channels), so several deployments or test runs can share a Redis. */
  constructor(url: string, options: { keyPrefix?: string } = {}) {
    // Auto-pipelining sends every command issued in the same tick in one write: the gateway issues thousands a
    // second, and one socket write per command was its largest cost (benchmarks: docs/performance.md).
    const commands = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3, keyPrefix: options.keyPrefix || undefined, enableAutoPipelining: true });
    commands.defineCommand('scoreSetThenHashGet', { numberOfKeys: 2, lua: SCORE_SET_THEN_HASH_GET });
    this.commands = commands as Redis & ScriptCommands;
    this.subscriber = new Redis(url, { lazyConnect: false });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
  }

  async get(key: string) {
    return (await this.commands.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs) await this.commands.set(key, value, 'PX', ttlMs);
    else await this.commands.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.commands.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async extendIfHeld(key: string, value: string, ttlMs: number) {
    return (await this.commands.eval(EXTEND_IF_HELD, 1, key, value, ttlMs)) === 1;
  }

  async deleteIfHeld(key: string, value: string) {
    await this.commands.eval(DELETE_IF_HELD, 1, key, value);
  }

  async hashSet(key: string, fields: Record<string, string>, ttlMs?: number) {
    // One command needs no transaction (the gateway writes a checkpoint this way every interval per session).
    if (!ttlMs) {
      await this.commands.hset(key, fields);
      return;
    }
    const pipeline = this.commands.multi().hset(key, fields);
    if (ttlMs) pipeline.pexpire(key, ttlMs);
    await pipeline.exec();
  }

  async hashGetAll(key: string) {
    return this.commands.hgetall(key);
  }

  async delete(...keys: string[]) {
    if (keys.length) await this.commands.del(...keys);
  }

  async scoreSet(key: string, member: string, score: number) {
    await this.commands.zadd(key, score, member);
  }

  async scoreSetThenHashGet(key: string, member: string, score: number, hashKey: string, fields: readonly string[]) {
    const values = await this.commands.scoreSetThenHashGet(key, hashKey, score, member, ...fields);
    return values.map((value) => value ?? undefined);
  }

  async membersScoredBelow(key: string, maxScore: number, limit: number) {
    return this.commands.zrangebyscore(key, '-inf', maxScore, 'LIMIT', 0, limit);
  }

  async countScoredAtLeast(key: string, minScore: number) {
    return this.commands.zcount(key, minScore, '+inf');
  }

  async scoreRemove(key: string, member: string) {
    await this.commands.zrem(key, member);
  }

  async publish(channel: string, message: string) {
    await this.commands.publish(channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void) {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await this.subscriber.unsubscribe(channel);
    };
  }

  async geoAdd(key: string, member: string, { lng, lat }: GeoPosition) {
    await this.commands.geoadd(key, lng, lat, member);
  }

  async geoRemove(key: string, member: string) {
    await this.commands.zrem(key, member);
  }

  async geoSearch(key: string, { lng, lat }: GeoPosition, radiusM: number, limit = 200): Promise<GeoHit[]> {
    const rows = (await this.commands.geosearch(key, 'FROMLONLAT', lng, lat, 'BYRADIUS', radiusM, 'm', 'ASC', 'COUNT', limit, 'WITHDIST')) as [string, string][];
    return rows.map(([member, distance]) => ({ member, distanceM: Math.round(Number(distance)) }));
  }

  rateLimiter(options: { keyPrefix: string; points: number; durationSeconds: number }) {
    return new RateLimiterRedis({ storeClient: this.commands, keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds });
  }

  async ping() {
    await this.commands.ping();
  }

  async close() {
    this.listeners.clear();
    await Promise.allSettled([this.subscriber.quit(), this.commands.quit()]);
  }
}
