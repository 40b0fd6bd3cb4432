/**
 * Picks the cache adapter for the composition root (PAYSTREAM_CACHE=memory|redis).
 * A Redis cache starts connecting at once; it serves misses until connected, so start-up never
 * waits on Redis (call `ready()` on it to wait when that matters).
 */
import type { Cache } from './cache.js';
import { MemoryCache, type MemoryCacheOptions } from './memoryCache.js';
import { RedisCache, type RedisCacheOptions } from './redisCache.js';

export type { Cache, CacheOptions, CacheStats, InvalidationListener } from './cache.js';
export { MemoryCache, type MemoryCacheOptions } from './memoryCache.js';
export { RedisCache, type RedisCacheOptions } from './redisCache.js';

export type CacheKind = 'memory' | 'redis';

export function createCache(kind: CacheKind, options: MemoryCacheOptions & RedisCacheOptions = {}): Cache {
  return kind === 'redis' ? new RedisCache(options) : new MemoryCache(options);
}
