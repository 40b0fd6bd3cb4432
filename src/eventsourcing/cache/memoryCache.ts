/**
 * In-process LRU cache (lru-cache): the default when there is one instance, and the near-cache
 * building block of RedisCache. Values are stored as JSON text so callers get the same
 * copy-on-read semantics as from Redis and can never mutate a cached entry.
 */
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
  keyList,
  ttlMs,
} from './cache.js';

export interface MemoryCacheOptions extends CacheOptions {
  /** Maximum entries kept (least recently used go first); default 10,000. */
  maxEntries?: number;
}

/** JSON.stringify escapes control characters, so no serialised value can equal this. */
export const TOMBSTONE = '\u0000invalidated';

export class MemoryCache implements Cache {
  readonly name = 'memory';
  private readonly lru: LRUCache<string, string>;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly graceMs: number;
  private readonly counters: CacheCounters;

  constructor(options: MemoryCacheOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.graceMs = options.invalidationGraceMs ?? DEFAULT_INVALIDATION_GRACE_MS;
    this.counters = new CacheCounters(this.name, options.metrics);
    this.lru = new LRUCache({ max: options.maxEntries ?? 10_000, ttlAutopurge: false });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const text = this.lru.get(this.prefix + key);
    if (text === undefined || text === TOMBSTONE) {
      this.counters.miss();
      return undefined;
    }
    this.counters.hit();
    return JSON.parse(text) as T;
  }

  async set<T>(key: string, value: T, ttlSeconds = this.ttlSeconds): Promise<void> {
    const k = this.prefix + key;
    if (this.lru.peek(k) === TOMBSTONE) return;
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      this.counters.error();
      return;
    }
    if (text === undefined) return;
    this.lru.set(k, text, { ttl: ttlMs(ttlSeconds) });
  }

  async delete(keys: string | readonly string[]): Promise<void> {
    for (const key of keyList(keys)) {
      if (this.graceMs > 0) this.lru.set(this.prefix + key, TOMBSTONE, { ttl: this.graceMs });
      else this.lru.delete(this.prefix + key);
    }
  }

  /** One process, no peers: nothing to report. */
  onInvalidate(_listener: InvalidationListener): () => void {
    return () => {};
  }

  stats(): CacheStats {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
