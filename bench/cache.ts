/**
 * Cache-hit latency of CachedPaymentQueries.getPayment over the in-process MemoryCache, with an
 * inner service that returns a fixed view: what a GET /v1/payments/:id costs below HTTP when the
 * entry is cached. Target: p99 < 1 ms. Called from bench/queries.ts; also `npx tsx bench/cache.ts`.
 */
import { pathToFileURL } from 'node:url';
import { MemoryCache } from '../src/eventsourcing/cache/memoryCache.js';
import { CachedPaymentQueries } from '../src/payments/queries/cachedPaymentQueries.js';
import type { PaymentQueryService } from '../src/payments/services.js';
import type { PaymentView } from '../src/payments/views.js';

export interface CacheHitBenchResult {
  name: string;
  iterations: number;
  payments: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  hitRatio: number;
  targetP99Ms: number;
  metTarget: boolean;
}

function fixedView(id: string): PaymentView {
  return {
    id,
    object: 'payment',
    status: 'succeeded',
    amount: 12_345,
    amount_capturable: 0,
    amount_captured: 12_345,
    amount_refunded: 2_000,
    amount_net: 10_345,
    currency: 'eur',
    capture_method: 'automatic',
    payment_method: 'pm_card_visa',
    customer: 'cus_bench',
    description: 'benchmark payment',
    metadata: { order: 'ord_1234', channel: 'web' },
    failure_code: null,
    decline_code: null,
    failure_message: null,
    cancellation_reason: null,
    refunds: [
      {
        id: 're_1',
        amount: 2_000,
        status: 'succeeded',
        reason: 'requested_by_customer',
        provider_refund_id: 're_prov_1',
        failure_message: null,
        created: '2026-01-01T00:01:00.000Z',
      },
    ],
    provider_payment_id: 'pi_bench',
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:01:00.000Z',
    version: 4,
  };
}

function fixedInner(): PaymentQueryService {
  const unused = () => Promise.reject(new Error('not used by the benchmark'));
  return {
    getPayment: async (id) => fixedView(id),
    getPaymentAsOf: unused,
    listPayments: unused,
    getHistory: unused,
    dashboard: unused,
    timeseries: unused,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export async function benchCacheHits(
  options: { iterations?: number; payments?: number } = {},
): Promise<CacheHitBenchResult> {
  const iterations = options.iterations ?? 50_000;
  const payments = options.payments ?? 1_000;
  const cache = new MemoryCache({ maxEntries: payments * 2 });
  const queries = new CachedPaymentQueries(fixedInner(), cache);
  const ids = Array.from({ length: payments }, (_, i) => `pay_bench_${i}`);
  for (const id of ids) await queries.getPayment(id);
  for (let i = 0; i < 5_000; i++) await queries.getPayment(ids[i % payments]!);
  const before = cache.stats();
  const samples = new Float64Array(iterations);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await queries.getPayment(ids[i % payments]!);
    samples[i] = performance.now() - t0;
  }
  const elapsedMs = performance.now() - start;
  const after = cache.stats();
  await cache.close();
  samples.sort();
  const p99Ms = percentile(samples, 0.99);
  return {
    name: 'cache-hit getPayment (memory)',
    iterations,
    payments,
    opsPerSec: Math.round(iterations / (elapsedMs / 1000)),
    p50Ms: percentile(samples, 0.5),
    p99Ms,
    maxMs: samples[samples.length - 1] ?? 0,
    hitRatio: (after.hits - before.hits) / iterations,
    targetP99Ms: 1,
    metTarget: p99Ms < 1,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchCacheHits();
  const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(
    `${r.name}: ${r.iterations} reads over ${r.payments} payments, ${r.opsPerSec} ops/s, ` +
      `p50 ${fmt(r.p50Ms)}, p99 ${fmt(r.p99Ms)}, max ${fmt(r.maxMs)}, hit ratio ${r.hitRatio}, ` +
      `p99 < ${r.targetP99Ms} ms: ${r.metTarget ? 'yes' : 'NO'}`,
  );
}
