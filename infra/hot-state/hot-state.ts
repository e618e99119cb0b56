import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * The small slice of Redis the platform uses: live pile and session state, pub/sub for live updates
 * across API nodes, one-shot markers (dedup, nonces), rate limits and the nearby-station geo index.
 * `RedisHotState` is the production implementation; `MemoryHotState` serves the embedded single process.
 */
export interface HotState {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** SET NX with a TTL: true for the first caller only. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** A lease taken with setIfAbsent: renews its TTL while `key` still holds `value`; false once it does not. */
  extendIfHeld(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Gives a lease back: deletes `key` only while it still holds `value`. */
  deleteIfHeld(key: string, value: string): Promise<void>;
  hashSet(key: string, fields: Record<string, string>, ttlMs?: number): Promise<void>;
  hashGetAll(key: string): Promise<Record<string, string>>;
  delete(...keys: string[]): Promise<void>;

  /** Sorted set: adds or moves `member` to `score`. */
  scoreSet(key: string, member: string, score: number): Promise<void>;
  /** Sorted set: members with a score at or below `maxScore`, lowest first. */
  membersScoredBelow(key: string, maxScore: number, limit: number): Promise<string[]>;
  /** Sorted set: how many members have a score at or above `minScore`. */
  countScoredAtLeast(key: string, minScore: number): Promise<number>;
  scoreRemove(key: string, member: string): Promise<void>;
  /**
   * scoreSet, then the named fields of hash `hashKey` (undefined where absent), in one round trip and one command:
   * the gateway does both for every pile it hears, once every 15 s or so.
   */
  scoreSetThenHashGet(key: string, member: string, score: number, hashKey: string, fields: readonly string[]): Promise<(string | undefined)[]>;

  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes this listener. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;

  geoAdd(key: string, member: string, position: GeoPosition): Promise<void>;
  geoRemove(key: string, member: string): Promise<void>;
  /** Members within `radiusM` of `center`, nearest first. */
  geoSearch(key: string, center: GeoPosition, radiusM: number, limit?: number): Promise<GeoHit[]>;

  rateLimiter(options: { keyPrefix: string; points: number; durationSeconds: number }): RateLimiterAbstract;

  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface GeoPosition {
  lng: number;
  lat: number;
}

export interface GeoHit {
  member: string;
  distanceM: number;
}
