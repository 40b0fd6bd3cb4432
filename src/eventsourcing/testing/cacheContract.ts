/**
 * Conformance suite for the Cache port (cache/cache.ts): every adapter runs it.
 * `makeCache` must return a fresh instance on every call; with `shared: true`, instances made
 * with the same prefix share their entries and see each other's invalidations (Redis), and the
 * cross-instance cases run too. Each test makes its own prefix from `prefixBase`, so the caller
 * can clean up everything under it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { createMetrics, type Metrics } from '../../observability/metrics.js';
import type { Cache } from '../cache/cache.js';

export interface CacheFactoryOptions {
  prefix: string;
  ttlSeconds?: number;
  invalidationGraceMs?: number;
  metrics?: Metrics;
}

export interface CacheContractOptions {
  shared: boolean;
  prefixBase?: string;
}

export type MakeCache = (options: CacheFactoryOptions) => Promise<Cache>;

/** Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 3000,
  intervalMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function counterValue(
  metrics: Metrics,
  which: 'cacheHits' | 'cacheMisses' | 'cacheErrors',
  cache: string,
) {
  const metric = await metrics[which].get();
  return metric.values.find((v) => v.labels.cache === cache)?.value ?? 0;
}

export function cacheContract(name: string, makeCache: MakeCache, options: CacheContractOptions): void {
  describe(`Cache contract: ${name}`, () => {
    const base = options.prefixBase ?? `cc_${randomUUID().slice(0, 8)}_`;
    const opened: Cache[] = [];
    const make: Make = async (o = {}, name = randomUUID().slice(0, 8)) => {
      const cache = await makeCache({ prefix: `${base}${name}_`, ...o });
      opened.push(cache);
      return cache;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((c) => c.close()));
    });

    coreCases(make);
    lifecycleCases(make);
    if (options.shared) sharedCases(make);
  });
}

/** A fresh cache; instances made with the same `name` share a prefix (under the suite's base). */
type Make = (o?: Partial<CacheFactoryOptions>, name?: string) => Promise<Cache>;

function coreCases(make: Make): void {
  it('get answers undefined for a missing key, the value after set, undefined after delete', async () => {
    const cache = await make();
    assert.equal(await cache.get('k1'), undefined);
    await cache.set('k1', { n: 1 });
    assert.deepEqual(await cache.get('k1'), { n: 1 });
    await cache.delete('k1');
    assert.equal(await cache.get('k1'), undefined);
  });

  it('delete removes several keys at once and leaves the others', async () => {
    const cache = await make();
    for (const k of ['a', 'b', 'c']) await cache.set(k, k.toUpperCase());
    await cache.delete(['a', 'c']);
    assert.deepEqual(
      [await cache.get('a'), await cache.get('b'), await cache.get('c')],
      [undefined, 'B', undefined],
    );
  });

  it('round-trips JSON values and returns a copy, never the stored object', async () => {
    const cache = await make();
    const value = {
      s: 'żółw ✓',
      n: -12.5,
      b: false,
      z: null,
      a: [1, 'two', { three: 3 }],
      o: { deep: { x: 1 } },
    };
    await cache.set('json', value);
    const first = await cache.get<typeof value>('json');
    assert.deepEqual(first, value);
    assert.notEqual(first, value);
    first!.o.deep.x = 99;
    assert.deepEqual(await cache.get('json'), value);
  });
}

function lifecycleCases(make: Make): void {
  it('expires an entry after its TTL', async () => {
    const cache = await make();
    await cache.set('short', 'v', 0.15);
    await cache.set('long', 'v', 60);
    assert.equal(await cache.get('short'), 'v');
    const expired = await eventually(async () => (await cache.get('short')) === undefined);
    assert.ok(expired, 'short-lived entry expired within the bound');
    assert.equal(await cache.get('long'), 'v');
  });

  it('isolates prefixes: a cache never sees entries of another prefix', async () => {
    const a = await make();
    const b = await make();
    await a.set('same', 'from a');
    assert.equal(await b.get('same'), undefined);
    await b.set('same', 'from b');
    assert.equal(await a.get('same'), 'from a');
  });

  it('counts hits and misses in stats() and in the metrics, labelled by adapter', async () => {
    const metrics = createMetrics();
    const cache = await make({ metrics });
    const before = cache.stats();
    await cache.get('absent');
    await cache.set('present', 1);
    await cache.get('present');
    await cache.get('present');
    const after = cache.stats();
    assert.equal(after.hits - before.hits, 2);
    assert.equal(after.misses - before.misses, 1);
    assert.equal(after.errors, 0);
    assert.equal(await counterValue(metrics, 'cacheHits', cache.name), after.hits);
    assert.equal(await counterValue(metrics, 'cacheMisses', cache.name), after.misses);
  });

  it('ignores a set racing a delete during the grace period, accepts it afterwards', async () => {
    const cache = await make({ invalidationGraceMs: 200 });
    await cache.set('k', 'old');
    await cache.delete('k');
    await cache.set('k', 'read before the change');
    assert.equal(await cache.get('k'), undefined);
    const accepted = await eventually(async () => {
      await cache.set('k', 'new');
      return (await cache.get('k')) === 'new';
    });
    assert.ok(accepted, 'set accepted once the grace period is over');
  });
}

function sharedCases(make: Make): void {
  it('shares entries between instances on the same prefix', async () => {
    const name = `shared_${randomUUID().slice(0, 8)}`;
    const a = await make({}, name);
    const b = await make({}, name);
    await a.set('k', { from: 'a' });
    assert.deepEqual(await b.get('k'), { from: 'a' });
  });

  it("reports another instance's invalidation through onInvalidate and drops the key", async () => {
    const name = `shared_${randomUUID().slice(0, 8)}`;
    const a = await make({}, name);
    const b = await make({}, name);
    await a.set('k', 'v');
    assert.equal(await b.get('k'), 'v');
    const seenByA: (readonly string[])[] = [];
    a.onInvalidate((keys) => seenByA.push(keys));
    const seenByB = new Promise<readonly string[]>((resolve) => b.onInvalidate(resolve));
    await a.delete(['k', 'other']);
    assert.deepEqual([...(await seenByB)].sort(), ['k', 'other']);
    assert.equal(await b.get('k'), undefined);
    // Announcements arrive in publish order, so once B's own is back at A, A's would have too.
    const backAtA = new Promise<readonly string[]>((resolve) => a.onInvalidate(resolve));
    await b.delete('from-b');
    assert.deepEqual(await backAtA, ['from-b']);
    assert.deepEqual(seenByA, [['from-b']], 'an instance is not told about its own invalidation');
  });
}
