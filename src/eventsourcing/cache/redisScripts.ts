/**
 * Lua scripts that make RedisCache's set/invalidate atomic on the server.
 * - set refuses to overwrite a tombstone (a key invalidated less than the grace period ago):
 *   the value may have been read before the change that caused the invalidation.
 * - invalidate tombstones (or deletes) the keys and publishes the announcement in one step.
 */
import type { Redis } from 'ioredis';

const SET_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const INVALIDATE_LUA = `
local grace = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  if grace > 0 then redis.call('SET', key, ARGV[2], 'PX', grace) else redis.call('DEL', key) end
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return #KEYS`;

export interface CacheScripts {
  /** 1 when written, 0 when the key holds a tombstone. */
  paystreamCacheSet(key: string, value: string, ttlMs: number, tombstone: string): Promise<number>;
  paystreamCacheInvalidate(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
}

export function defineCacheScripts(redis: Redis): Redis & CacheScripts {
  redis.defineCommand('paystreamCacheSet', { numberOfKeys: 1, lua: SET_LUA });
  // numberOfKeys omitted: the caller passes the key count first.
  redis.defineCommand('paystreamCacheInvalidate', { lua: INVALIDATE_LUA });
  return redis as Redis & CacheScripts;
}
