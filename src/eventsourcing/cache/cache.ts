/**
 * The read-through cache port. Adapters: MemoryCache (lru-cache, the default) and RedisCache
 * (ioredis, with an in-process near-cache). Both must pass testing/cacheContract.ts.
 *
 * Contract:
 * - Keys are logical: the adapter prepends its prefix (default `payment_projection_`), so two
 *   caches with different prefixes never see each other's entries. Values are JSON: what `get`
 *   returns is a fresh copy of what was `set`, never the same object.
 * - A cache never rejects. An outage (timeout, refused connection, bad reply) is counted as an
 *   error and answered as a miss (`get` → undefined) or a no-op (`set`, `delete`), so callers
 *   degrade to direct reads.
 * - `delete` is an invalidation: it removes the keys everywhere (shared storage and the
 *   near-caches of other instances) and, for `invalidationGraceMs` afterwards, ignores `set` of
 *   those keys — such a set may carry a value read before the change that caused the delete.
 * - `onInvalidate` reports invalidations made by *other* instances (a single-process cache never
 *   calls it); a caller's own `delete` is not echoed back.
 */
import type { Metrics } from '../../observability/metrics.js';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Operations that failed and were answered as a miss / no-op. */
  errors: number;
}

export type InvalidationListener = (keys: readonly string[]) => void;

export interface Cache {
  /** Adapter name, also the `cache` label of the metrics ('memory', 'redis'). */
  readonly name: string;
  get<T>(key: string): Promise<T | undefined>;
  /** `ttlSeconds` may be fractional; default: the adapter's TTL (3600 s). */
  set<T>(key: string, value: T, ttlSeconds?: number): Promise<void>;
  delete(keys: string | readonly string[]): Promise<void>;
  /** Returns the unsubscribe function. */
  onInvalidate(listener: InvalidationListener): () => void;
  stats(): CacheStats;
  close(): Promise<void>;
}

export interface CacheOptions {
  /** Default `payment_projection_`. */
  prefix?: string;
  /** Default 3600. */
  ttlSeconds?: number;
  /** How long a deleted key refuses `set`; default 1000 ms, 0 disables. */
  invalidationGraceMs?: number;
  metrics?: Metrics;
}

export const DEFAULT_PREFIX = 'payment_projection_';
export const DEFAULT_TTL_SECONDS = 3600;
export const DEFAULT_INVALIDATION_GRACE_MS = 1000;

export function keyList(keys: string | readonly string[]): readonly string[] {
  return typeof keys === 'string' ? [keys] : keys;
}

export function ttlMs(ttlSeconds: number): number {
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

/** Hit/miss/error counting shared by the adapters: local stats plus the Prometheus counters. */
export class CacheCounters {
  private readonly counts: CacheStats = { hits: 0, misses: 0, errors: 0 };

  constructor(
    private readonly name: string,
    private readonly metrics?: Metrics,
  ) {}

  hit(): void {
    this.counts.hits++;
    this.metrics?.cacheHits.inc({ cache: this.name });
  }

  miss(): void {
    this.counts.misses++;
    this.metrics?.cacheMisses.inc({ cache: this.name });
  }

  error(): void {
    this.counts.errors++;
    this.metrics?.cacheErrors.inc({ cache: this.name });
  }

  snapshot(): CacheStats {
    return { ...this.counts };
  }
}

/** Listener set that isolates listeners from each other: one that throws never breaks the cache. */
export class InvalidationListeners {
  private readonly listeners = new Set<InvalidationListener>();

  add(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(keys: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(keys);
      } catch {
        // a listener's bug must not stop the invalidation reaching the others
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
