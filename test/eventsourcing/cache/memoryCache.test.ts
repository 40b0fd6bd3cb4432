import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryCache } from '../../../src/eventsourcing/cache/memoryCache.js';
import { cacheContract } from '../../../src/eventsourcing/testing/cacheContract.js';

cacheContract('MemoryCache', async (options) => new MemoryCache(options), { shared: false });

describe('MemoryCache specifics', () => {
  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    assert.equal(await cache.get('a'), 1);
    await cache.set('c', 3);
    assert.deepEqual([await cache.get('a'), await cache.get('b'), await cache.get('c')], [1, undefined, 3]);
  });

  it('counts an unserialisable value as an error and stores nothing', async () => {
    const cache = new MemoryCache();
    await cache.set('big', { n: 1n });
    assert.equal(await cache.get('big'), undefined);
    assert.equal(cache.stats().errors, 1);
  });
});
