/**
 * An in-process cache of loaded aggregate states, by stream: the command handler then reads only
 * the tail after the cached version (usually nothing), which skips the snapshot read and the fold.
 * It stays correct with other writers because the tail read always happens; entries are
 * committed states only. States must be treated as immutable (evolve returns new objects).
 */
import { LRUCache } from 'lru-cache';

export interface CachedAggregate<S> {
  state: S;
  version: number;
  checkpoint: string;
  globalPosition: number;
}

export interface AggregateCache<S> {
  get(streamId: string): CachedAggregate<S> | undefined;
  set(streamId: string, entry: CachedAggregate<S>): void;
  delete(streamId: string): void;
}

/** An LRU of at most `max` streams (default 10,000). */
export function createAggregateCache<S>(max = 10_000): AggregateCache<S> {
  const lru = new LRUCache<string, CachedAggregate<S>>({ max });
  return {
    get: (streamId) => lru.get(streamId),
    set: (streamId, entry) => {
      const current = lru.get(streamId);
      // Concurrent commands may finish out of order: never go back to an older version.
      if (!current || current.version <= entry.version) lru.set(streamId, entry);
    },
    delete: (streamId) => {
      lru.delete(streamId);
    },
  };
}
