import { type HotState } from './hot-state';
import { MemoryHotState } from './memory-hot-state';
import { RedisHotState } from './redis-hot-state';

export * from './hot-state';
export { MemoryHotState, RedisHotState };

export function createHotState(redisUrl: string | undefined, keyPrefix = ''): HotState {
  return redisUrl ? new RedisHotState(redisUrl, { keyPrefix }) : new MemoryHotState();
}
