import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryCache } from '../../../src/eventsourcing/cache/memoryCache.js';
import { RedisCache } from '../../../src/eventsourcing/cache/redisCache.js';
import { checkpointOf } from '../../../src/eventsourcing/eventStore.js';
import { CachedPaymentQueries } from '../../../src/payments/queries/cachedPaymentQueries.js';
import type { PaymentQueryService, ReadOptions } from '../../../src/payments/services.js';
import type { PaymentView } from '../../../src/payments/views.js';
import { PaystreamError } from '../../../src/shared/errors.js';

const REDIS_URL = process.env.PAYSTREAM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const base = `test_cpq_${randomUUID().slice(0, 8)}_`;

function view(id: string, version: number): PaymentView {
  return {
    id,
    object: 'payment',
    status: 'succeeded',
    amount: 1000 * version,
    amount_capturable: 0,
    amount_captured: 1000 * version,
    amount_refunded: 0,
    amount_net: 1000 * version,
    currency: 'eur',
    capture_method: 'automatic',
    payment_method: 'pm_card_visa',
    customer: null,
    description: null,
    metadata: { v: String(version) },
    failure_code: null,
    decline_code: null,
    failure_message: null,
    cancellation_reason: null,
    refunds: [],
    provider_payment_id: null,
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:00:00.000Z',
    version,
  };
}

/** An inner service over a map, recording every call; `gate` lets a test hold getPayment open. */
class FakeQueries implements PaymentQueryService {
  readonly views = new Map<string, PaymentView>();
  readonly calls: { method: string; args: unknown[] }[] = [];
  private gate: { entered: () => void; released: Promise<void> } | undefined;

  /** The next getPayment reads its view, reports `entered`, and answers only after `release()`. */
  holdNext(): { entered: Promise<void>; release: () => void } {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const entered = new Promise<void>((resolve) => {
      this.gate = { entered: resolve, released };
    });
    return { entered, release };
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  /** The read model's checkpoint: a read asking for more rejects (onTimeout 'reject') like the SQL services. */
  applied: string | undefined;

  async getPayment(id: string, options?: ReadOptions) {
    this.calls.push({ method: 'getPayment', args: [id, options] });
    const behind = this.applied !== undefined && (options?.minCheckpoint ?? '') > this.applied;
    if (behind && options?.onTimeout === 'reject')
      throw new PaystreamError('PAY_TIMEOUT', 'read model behind');
    const current = this.views.get(id);
    const gate = this.gate;
    this.gate = undefined;
    if (gate) {
      gate.entered();
      await gate.released;
    }
    return current && structuredClone(current);
  }
  async getPaymentAsOf(id: string, at: { version?: number; time?: Date }) {
    this.calls.push({ method: 'getPaymentAsOf', args: [id, at] });
    return view(id, at.version ?? 1);
  }
  async listPayments(...args: unknown[]) {
    this.calls.push({ method: 'listPayments', args });
    return { data: [...this.views.values()], has_more: false };
  }
  async getHistory(...args: unknown[]) {
    this.calls.push({ method: 'getHistory', args });
    return [];
  }
  async dashboard(...args: unknown[]) {
    this.calls.push({ method: 'dashboard', args });
    return { currencies: [] };
  }
  async timeseries(...args: unknown[]) {
    this.calls.push({ method: 'timeseries', args });
    return [];
  }
}

function setup(invalidationGraceMs = 0) {
  const inner = new FakeQueries();
  const cache = new MemoryCache({ invalidationGraceMs });
  return { inner, cache, queries: new CachedPaymentQueries(inner, cache) };
}

describe('CachedPaymentQueries', () => {
  it('never caches a view under a checkpoint the read model has not reached', async () => {
    const { inner, queries } = setup();
    inner.views.set('pay_1', view('pay_1', 1));
    inner.applied = checkpointOf(1);
    const served = await queries.getPayment('pay_1', { minCheckpoint: checkpointOf(5) });
    assert.equal(served?.version, 1, 'the current view is served when the wait times out');
    inner.views.set('pay_1', view('pay_1', 2));
    inner.applied = checkpointOf(5);
    const fresh = await queries.getPayment('pay_1', { minCheckpoint: checkpointOf(5) });
    assert.equal(fresh?.version, 2, 'the stale view was not cached as if it included checkpoint 5');
    await assert.rejects(
      queries.getPayment('pay_1', { minCheckpoint: checkpointOf(9), onTimeout: 'reject' }),
      /read model behind/,
      'a caller asking to reject gets PAY_TIMEOUT',
    );
  });

  it('serves a repeated getPayment from the cache', async () => {
    const { inner, queries, cache } = setup();
    inner.views.set('pay_1', view('pay_1', 1));
    assert.deepEqual(await queries.getPayment('pay_1'), view('pay_1', 1));
    assert.deepEqual(await queries.getPayment('pay_1'), view('pay_1', 1));
    assert.equal(inner.count('getPayment'), 1);
    assert.deepEqual(cache.stats(), { hits: 1, misses: 1, errors: 0 });
  });

  it('does not cache an unknown payment', async () => {
    const { inner, queries } = setup();
    assert.equal(await queries.getPayment('nope'), undefined);
    inner.views.set('nope', view('nope', 1));
    assert.deepEqual(await queries.getPayment('nope'), view('nope', 1));
    assert.equal(inner.count('getPayment'), 2);
  });

  it('invalidatePayments and onProjectionChange make the next read see the new view', async () => {
    const { inner, queries } = setup();
    inner.views.set('pay_1', view('pay_1', 1));
    inner.views.set('pay_2', view('pay_2', 1));
    await queries.getPayment('pay_1');
    await queries.getPayment('pay_2');
    inner.views.set('pay_1', view('pay_1', 2));
    inner.views.set('pay_2', view('pay_2', 2));
    await queries.invalidatePayments(['pay_1']);
    await queries.onProjectionChange({ projection: 'payments', paymentIds: ['pay_2'] });
    assert.equal((await queries.getPayment('pay_1'))?.version, 2);
    assert.equal((await queries.getPayment('pay_2'))?.version, 2);
  });

  it('reads through when the cached view may predate minCheckpoint, then serves that checkpoint from cache', async () => {
    const { inner, queries } = setup();
    inner.views.set('pay_1', view('pay_1', 1));
    await queries.getPayment('pay_1');
    inner.views.set('pay_1', view('pay_1', 2));
    const fresh = await queries.getPayment('pay_1', { minCheckpoint: checkpointOf(5) });
    assert.equal(fresh?.version, 2);
    assert.equal(inner.count('getPayment'), 2);
    assert.equal((await queries.getPayment('pay_1', { minCheckpoint: checkpointOf(4) }))?.version, 2);
    assert.equal((await queries.getPayment('pay_1'))?.version, 2);
    assert.equal(inner.count('getPayment'), 2, 'entry reflecting checkpoint 5 serves older checkpoints');
    await queries.getPayment('pay_1', { minCheckpoint: checkpointOf(6) });
    assert.equal(inner.count('getPayment'), 3, 'a newer checkpoint reads through');
    assert.deepEqual(inner.calls[2]?.args, [
      'pay_1',
      { minCheckpoint: checkpointOf(6), onTimeout: 'reject' },
    ]);
  });

  it('does not write back a view read before an invalidation of the same payment', async () => {
    const { inner, queries } = setup(0);
    inner.views.set('pay_1', view('pay_1', 1));
    const hold = inner.holdNext();
    const racing = queries.getPayment('pay_1');
    await hold.entered;
    inner.views.set('pay_1', view('pay_1', 2));
    await queries.invalidatePayments(['pay_1']);
    hold.release();
    assert.equal((await racing)?.version, 1, 'the racing reader still gets its answer');
    assert.equal((await queries.getPayment('pay_1'))?.version, 2);
  });

  it('passes lists, dashboard, history, timeseries and time travel through to the inner service', async () => {
    const { inner, queries } = setup();
    const filter = { status: 'succeeded' as const, limit: 5 };
    const options = { minCheckpoint: checkpointOf(1) };
    const range = { currency: 'eur' };
    for (let i = 0; i < 2; i++) {
      await queries.listPayments(filter, options);
      await queries.dashboard(options);
      await queries.getHistory('pay_1');
      await queries.timeseries('hour', range);
      await queries.getPaymentAsOf('pay_1', { version: 3 });
    }
    assert.deepEqual(inner.calls.slice(0, 5), [
      { method: 'listPayments', args: [filter, options] },
      { method: 'dashboard', args: [options] },
      { method: 'getHistory', args: ['pay_1'] },
      { method: 'timeseries', args: ['hour', range] },
      { method: 'getPaymentAsOf', args: ['pay_1', { version: 3 }] },
    ]);
    assert.equal(inner.calls.length, 10);
  });
});

describe('CachedPaymentQueries over Redis', () => {
  const raw = new Redis(REDIS_URL, { lazyConnect: true });
  after(async () => {
    const keys = await raw.keys(`${base}*`);
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
  });

  it("an invalidation on one instance reaches the other instance's reads", async () => {
    const prefix = `${base}${randomUUID().slice(0, 8)}_`;
    const [cacheA, cacheB] = [
      new RedisCache({ url: REDIS_URL, prefix }),
      new RedisCache({ url: REDIS_URL, prefix }),
    ];
    try {
      assert.ok((await cacheA.ready()) && (await cacheB.ready()));
      const inner = new FakeQueries();
      inner.views.set('pay_1', view('pay_1', 1));
      const [a, b] = [new CachedPaymentQueries(inner, cacheA), new CachedPaymentQueries(inner, cacheB)];
      await a.getPayment('pay_1');
      assert.equal((await b.getPayment('pay_1'))?.version, 1);
      assert.equal(inner.count('getPayment'), 1, 'instance B hit the entry instance A stored');
      inner.views.set('pay_1', view('pay_1', 2));
      const heardByA = new Promise((resolve) => cacheA.onInvalidate(resolve));
      await b.invalidatePayments(['pay_1']);
      assert.deepEqual(await heardByA, ['pay_1']);
      assert.equal((await a.getPayment('pay_1'))?.version, 2);
    } finally {
      await Promise.all([cacheA.close(), cacheB.close()]);
    }
  });

  it('serves from the inner service while Redis is unreachable, without throwing', async () => {
    const cache = new RedisCache({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 50 });
    try {
      const inner = new FakeQueries();
      inner.views.set('pay_1', view('pay_1', 1));
      const queries = new CachedPaymentQueries(inner, cache);
      assert.equal((await queries.getPayment('pay_1'))?.version, 1);
      assert.equal((await queries.getPayment('pay_1', { minCheckpoint: checkpointOf(2) }))?.version, 1);
      await queries.invalidatePayments(['pay_1']);
      assert.equal(inner.count('getPayment'), 2);
      assert.ok(cache.stats().errors >= 5, `errors counted: ${cache.stats().errors}`);
    } finally {
      await cache.close();
    }
  });
});
