import { EventEmitter } from 'node:events';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { type GeoHit, type GeoPosition, type HotState } from './hot-state';

interface Entry {
  value: string | Map<string, string>;
  expiresAt?: number;
}

const EARTH_RADIUS_M = 6_372_797.560856; // the radius Redis uses for GEO commands

/** Great-circle distance as Redis computes it for GEOSEARCH (haversine). */
export function haversineMeters(a: GeoPosition, b: GeoPosition): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

/**
 * In-process stand-in for Redis, for the embedded single-process mode only: state lives as long as the
 * process, pub/sub reaches listeners of this process, and the geo search is a scan.
 */
export class MemoryHotState implements HotState {
  private readonly entries = new Map<string, Entry>();
  private readonly geo = new Map<string, Map<string, GeoPosition>>();
  private readonly scores = new Map<string, Map<string, number>>();
  private readonly bus = new EventEmitter().setMaxListeners(0);

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string) {
    const value = this.live(key)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.entries.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : undefined });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async extendIfHeld(key: string, value: string, ttlMs: number) {
    if (this.live(key)?.value !== value) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async deleteIfHeld(key: string, value: string) {
    if (this.live(key)?.value === value) this.entries.delete(key);
  }

  async hashSet(key: string, fields: Record<string, string>, ttlMs?: number) {
    const existing = this.live(key);
    const hash = existing?.value instanceof Map ? existing.value : new Map<string, string>();
    for (const [field, value] of Object.entries(fields)) hash.set(field, value);
    this.entries.set(key, { value: hash, expiresAt: ttlMs ? Date.now() + ttlMs : existing?.expiresAt });
  }

  async hashGetAll(key: string) {
    const value = this.live(key)?.value;
    return value instanceof Map ? Object.fromEntries(value) : {};
  }

  async delete(...keys: string[]) {
    for (const key of keys) this.entries.delete(key);
  }

  async scoreSet(key: string, member: string, score: number) {
    let set = this.scores.get(key);
    if (!set) this.scores.set(key, (set = new Map()));
    set.set(member, score);
  }

  async scoreSetThenHashGet(key: string, member: string, score: number, hashKey: string, fields: readonly string[]) {
    await this.scoreSet(key, member, score);
    const hash = this.live(hashKey)?.value;
    return fields.map((field) => (hash instanceof Map ? hash.get(field) : undefined));
  }

  async membersScoredBelow(key: string, maxScore: number, limit: number) {
    return [...(this.scores.get(key) ?? [])]
      .filter(([, score]) => score <= maxScore)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([member]) => member);
  }

  async countScoredAtLeast(key: string, minScore: number) {
    return [...(this.scores.get(key)?.values() ?? [])].filter((score) => score >= minScore).length;
  }

  async scoreRemove(key: string, member: string) {
    this.scores.get(key)?.delete(member);
  }

  async publish(channel: string, message: string) {
    this.bus.emit(channel, message);
  }

  async subscribe(channel: string, listener: (message: string) => void) {
    this.bus.on(channel, listener);
    return async () => {
      this.bus.off(channel, listener);
    };
  }

  async geoAdd(key: string, member: string, position: GeoPosition) {
    let index = this.geo.get(key);
    if (!index) this.geo.set(key, (index = new Map()));
    index.set(member, position);
  }

  async geoRemove(key: string, member: string) {
    this.geo.get(key)?.delete(member);
  }

  async geoSearch(key: string, center: GeoPosition, radiusM: number, limit = 200): Promise<GeoHit[]> {
    const hits: GeoHit[] = [];
    for (const [member, position] of this.geo.get(key) ?? []) {
      const distanceM = haversineMeters(center, position);
      if (distanceM <= radiusM) hits.push({ member, distanceM: Math.round(distanceM) });
    }
    return hits.sort((a, b) => a.distanceM - b.distanceM).slice(0, limit);
  }

  rateLimiter(options: { keyPrefix: string; points: number; durationSeconds: number }) {
    return new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds });
  }

  async ping() {}

  async close() {
    this.bus.removeAllListeners();
  }
}
