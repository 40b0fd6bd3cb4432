/**
 * Redis cache (ioredis) shared by every instance, with a small in-process near-cache (L1) in
 * front of it. Why an L1: a cache hit through Redis costs a round trip (~0.1–0.5 ms); from L1 it
 * costs a JSON.parse. Why it stays correct: every delete runs a Lua script that tombstones the
 * keys and PUBLISHes them on `${prefix}invalidate`; each instance's subscriber drops those keys
 * from its L1 and reports them through `onInvalidate`. L1 serves only while that subscription is
 * live and is emptied whenever it drops, so a missed message cannot leave a stale entry behind;
 * L1's own short TTL (default 10 s) bounds anything else.
 *
 * Outages degrade to misses: commands time out after `commandTimeoutMs` (default 100 ms), fail at
 * once while disconnected (no offline queue, no retries per request), are counted in
 * cache_errors_total and swallowed. ioredis reconnects in the background.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { LRUCache } from 'lru-cache';
import {
  type Cache,
  CacheCounters,
  type CacheOptions,
  type CacheStats,
  DEFAULT_INVALIDATION_GRACE_MS,
  DEFAULT_PREFIX,
  DEFAULT_TTL_SECONDS,
  type InvalidationListener,
  InvalidationListeners,
  keyList,
  ttlMs,
} from './cache.js';
import { TOMBSTONE } from './memoryCache.js';
import { RedisInvalidationChannel } from './redisInvalidation.js';
import { type CacheScripts, defineCacheScripts } from './redisScripts.js';

export interface RedisCacheOptions extends CacheOptions {
  /** Default redis://127.0.0.1:6379. */
  url?: string;
  /** Per-command timeout; default 100 ms. */
  commandTimeoutMs?: number;
  /** Near-cache size and TTL; `false` turns it off. Default 1,000 entries, 10 s. */
  nearCache?: { maxEntries?: number; ttlSeconds?: number } | false;
  /** Extra ioredis options (applied before the ones that make outages cheap). */
  redis?: RedisOptions;
}

export class RedisCache implements Cache {
  readonly name = 'redis';
  private readonly redis: Redis & CacheScripts;
  private readonly channel: RedisInvalidationChannel;
  private readonly near: LRUCache<string, string> | undefined;
  private readonly nearTtlMs: number;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly graceMs: number;
  private readonly counters: CacheCounters;
  private readonly listeners = new InvalidationListeners();
  /** Bumped on every invalidation: a Redis reply older than the bump must not enter L1. */
  private epoch = 0;

  constructor(options: RedisCacheOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.graceMs = options.invalidationGraceMs ?? DEFAULT_INVALIDATION_GRACE_MS;
    this.counters = new CacheCounters(this.name, options.metrics);
    const url = options.url ?? 'redis://127.0.0.1:6379';
    const clientOptions: RedisOptions = {
      ...options.redis,
      commandTimeout: options.commandTimeoutMs ?? 100,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: options.redis?.connectTimeout ?? 1000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    };
    this.redis = defineCacheScripts(new Redis(url, clientOptions));
    // Connection errors are retried by ioredis; failed commands are counted where they fail.
    this.redis.on('error', () => {});
    const near = options.nearCache === false ? undefined : options.nearCache;
    this.nearTtlMs = ttlMs(near?.ttlSeconds ?? 10);
    this.near = options.nearCache === false ? undefined : new LRUCache({ max: near?.maxEntries ?? 1000 });
    this.channel = new RedisInvalidationChannel(
      url,
      clientOptions,
      `${this.prefix}invalidate`,
      randomUUID(),
      {
        onMessage: (keys) => this.remoteInvalidation(keys),
        onDown: () => this.dropNear(),
      },
    );
  }

  /** Resolves true once commands and the invalidation subscription both work, false after the timeout. */
  async ready(timeoutMs = 2000): Promise<boolean> {
    const commands = new Promise<void>((resolve) => {
      if (this.redis.status === 'ready') resolve();
      else this.redis.once('ready', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ok = Promise.all([commands, this.channel.whenLive()]).then(() => true);
    try {
      return await Promise.race([ok, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const fromNear = this.channel.live ? this.near?.get(key) : undefined;
    if (fromNear !== undefined) return this.hit<T>(fromNear);
    const epoch = this.epoch;
    let text: string | null;
    try {
      text = await this.redis.get(this.prefix + key);
    } catch {
      this.counters.error();
      this.counters.miss();
      return undefined;
    }
    if (text === null || text === TOMBSTONE) {
      this.counters.miss();
      return undefined;
    }
    const value = this.hit<T>(text);
    if (value !== undefined) this.remember(key, text, epoch, this.nearTtlMs);
    return value;
  }

  async set<T>(key: string, value: T, ttlSeconds = this.ttlSeconds): Promise<void> {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      this.counters.error();
      return;
    }
    if (text === undefined) return;
    const epoch = this.epoch;
    const ttl = ttlMs(ttlSeconds);
    try {
      const written = await this.redis.paystreamCacheSet(this.prefix + key, text, ttl, TOMBSTONE);
      if (written === 1) this.remember(key, text, epoch, Math.min(ttl, this.nearTtlMs));
    } catch {
      // The write may or may not have landed; an older L1 entry must not outlive it.
      this.near?.delete(key);
      this.counters.error();
    }
  }

  async delete(keys: string | readonly string[]): Promise<void> {
    const list = keyList(keys);
    if (list.length === 0) return;
    this.epoch++;
    for (const key of list) this.near?.delete(key);
    const args = [this.graceMs, TOMBSTONE, `${this.prefix}invalidate`, this.channel.encode(list)];
    try {
      await this.redis.paystreamCacheInvalidate(list.length, ...list.map((k) => this.prefix + k), ...args);
    } catch {
      this.counters.error();
    }
  }

  onInvalidate(listener: InvalidationListener): () => void {
    return this.listeners.add(listener);
  }

  stats(): CacheStats {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.dropNear();
    await this.channel.close();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private hit<T>(text: string): T | undefined {
    try {
      const value = JSON.parse(text) as T;
      this.counters.hit();
      return value;
    } catch {
      // Not written by us (or corrupted): treat as absent rather than fail the read.
      this.counters.error();
      this.counters.miss();
      return undefined;
    }
  }

  private remember(key: string, text: string, epoch: number, ttl: number): void {
    if (this.near && this.channel.live && epoch === this.epoch) this.near.set(key, text, { ttl });
  }

  private remoteInvalidation(keys: readonly string[]): void {
    this.epoch++;
    for (const key of keys) this.near?.delete(key);
    this.listeners.emit(keys);
  }

  private dropNear(): void {
    this.epoch++;
    this.near?.clear();
  }
}
