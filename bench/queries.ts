/**
 * npm run bench:queries — the read side:
 *  1. SQLite, N payments (default 100k, 3 events each) appended through SqliteEventStore
 *     (synchronous=NORMAL while seeding: durability is not what is measured here);
 *  2. projector catch-up and shadow rebuild rates (events/s; target >= 100,000 on SQLite);
 *  3. getPayment p50/p99 through SqlitePaymentQueries (a cache miss = a direct read-model read),
 *     and cache hits through CachedPaymentQueries over MemoryCache, in process (target p99 < 1 ms);
 *  4. list pages (no filter, filters, deep cursors) at N, then at 1M after inserting the extra
 *     read-model rows DIRECTLY with SQL (no events behind them: seeding 1M through the log would
 *     take minutes and measures nothing about queries);
 *  5. PostgreSQL rebuild rate (target >= 30,000 events/s) on a throwaway database, if reachable.
 * Options: --payments N (default 100000), --large N (default 1000000), --pg-payments N (default 30000),
 * --no-large, --no-pg.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCache } from '../src/eventsourcing/cache/memoryCache.js';
import { projectionRuntimeMigrations } from '../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../src/eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../src/eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../src/eventsourcing/sqlite/sqliteEventStore.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../src/payments/projections/sqlitePaymentsProjection.js';
import { CachedPaymentQueries } from '../src/payments/queries/cachedPaymentQueries.js';
import { SqlitePaymentQueries } from '../src/payments/queries/sqlitePaymentQueries.js';
import type { PaymentQueryService } from '../src/payments/services.js';
import type { PaymentListFilter } from '../src/payments/views.js';
import { benchPostgresRebuild } from './queriesPostgres.js';
import {
  appendBenchPayments,
  BENCH_BASE,
  benchPaymentId,
  insertDetailRows,
  rawInsertCeilingSqlite,
} from './queriesSeed.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const has = (flag: string) => process.argv.includes(`--${flag}`);

export interface Latency {
  name: string;
  n: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sequential calls; p50/p99 of the per-call time. */
export async function measure(
  name: string,
  n: number,
  op: (i: number) => Promise<unknown>,
): Promise<Latency> {
  for (let i = 0; i < Math.min(200, n); i++) await op(i);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op(i);
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  const at = (p: number) => samples[Math.min(n - 1, Math.floor(p * n))]!;
  return { name, n, p50Ms: at(0.5), p99Ms: at(0.99) };
}

const fmt = (l: Latency) =>
  `  ${l.name.padEnd(46)} p50 ${l.p50Ms.toFixed(3).padStart(7)} ms   p99 ${l.p99Ms.toFixed(3).padStart(7)} ms  (${l.n} calls)`;

/** Random but repeatable picks. */
function picker(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

async function listPages(q: PaymentQueryService, total: number, label: string): Promise<Latency[]> {
  const pick = picker(7);
  const mid = new Date(BENCH_BASE + 15 * 24 * 3600_000).toISOString();
  const filters: Array<[string, (i: number) => PaymentListFilter]> = [
    ['first page, limit 10', () => ({ limit: 10 })],
    ['first page, limit 100', () => ({ limit: 100 })],
    [
      'cursor page (random starting_after)',
      () => ({ limit: 10, startingAfter: benchPaymentId(pick(total)) }),
    ],
    ['status=failed', () => ({ status: 'failed', limit: 10 })],
    ['currency=eur & created <= mid', () => ({ currency: 'eur', createdLte: mid, limit: 10 })],
    ['customer (random)', () => ({ customer: `cus_${pick(5000)}`, limit: 10 })],
    ['amount 1000..2000', () => ({ amountGte: 1000, amountLte: 2000, limit: 10 })],
    [
      'status=failed, cursor',
      () => ({ status: 'failed', limit: 10, startingAfter: benchPaymentId(pick(total / 10) * 10) }),
    ],
  ];
  const out: Latency[] = [];
  for (const [name, f] of filters)
    out.push(await measure(`list ${label}: ${name}`, 2000, (i) => q.listPayments(f(i))));
  return out;
}

async function benchSqlite(payments: number, large: number | undefined): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-queries-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'normal' });
  try {
    migrateSqlite(store.db, [projectionRuntimeMigrations('sqlite'), SQLITE_PAYMENT_READ_MODEL_MIGRATIONS]);
    let t0 = performance.now();
    await appendBenchPayments(store, 0, payments, payments);
    const events = payments * 3;
    console.log(
      `SQLite: seeded ${payments} payments (${events} events) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const runtime = new ProjectionRuntime({
      store,
      db: new SqliteProjectionDb(store.db),
      projections: [sqlitePaymentsProjection()],
      batchSize: 2000,
    });
    t0 = performance.now();
    await runtime.start();
    const catchUpRate = events / ((performance.now() - t0) / 1000);
    console.log(`  projector catch-up from empty: ${Math.round(catchUpRate)} events/s`);
    const cpu0 = process.cpuUsage();
    const [rebuilt] = await runtime.rebuild('payments', { batchSize: 5000 });
    const cpu = process.cpuUsage(cpu0);
    // SQLite runs in this process: events per CPU-second is the rate on an otherwise idle core.
    const cpuRate = rebuilt!.events / ((cpu.user + cpu.system) / 1e6);
    console.log(
      `  rebuild (shadow + swap): ${Math.round(rebuilt!.eventsPerSecond)} events/s wall, ` +
        `${Math.round(cpuRate)} events per CPU-second (target >= 100,000)`,
    );
    const ceiling = rawInsertCeilingSqlite(store.db, payments);
    console.log(
      `  raw ceiling, same rows by plain INSERT: ${Math.round(ceiling)} rows/s = ${Math.round(ceiling * 3)} events/s; ` +
        `rebuild = ${((rebuilt!.eventsPerSecond / (ceiling * 3)) * 100).toFixed(0)}% of it`,
    );
    const q = new SqlitePaymentQueries(store.db, {
      store,
      waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
    });
    const pick = picker(1);
    const latencies: Latency[] = [];
    latencies.push(
      await measure(`getPayment @${payments} (read model)`, 20_000, () =>
        q.getPayment(benchPaymentId(pick(payments))),
      ),
    );
    const cached = new CachedPaymentQueries(q, new MemoryCache({ maxEntries: payments * 2 }));
    runtime.onChange(cached.onProjectionChange);
    for (let i = 0; i < 5000; i++) await cached.getPayment(benchPaymentId(i));
    latencies.push(
      await measure('getPayment cache hit (memory, in process)', 50_000, (i) =>
        cached.getPayment(benchPaymentId(i % 5000)),
      ),
    );
    latencies.push(...(await listPages(q, payments, `@${payments}`)));
    for (const l of latencies) console.log(fmt(l));
    if (large && large > payments) {
      t0 = performance.now();
      insertDetailRows(store.db, payments, large, large);
      store.db.exec('ANALYZE');
      console.log(
        `SQLite: inserted ${large - payments} read-model rows directly (SQL) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const big: Latency[] = [];
      big.push(
        await measure(`getPayment @${large} (read model)`, 20_000, () =>
          q.getPayment(benchPaymentId(pick(large))),
        ),
      );
      big.push(...(await listPages(q, large, `@${large}`)));
      for (const l of big) console.log(fmt(l));
      latencies.push(...big);
    }
    await runtime.stop();
    return { catchUpRate, rebuildRate: rebuilt!.eventsPerSecond, rebuildCpuRate: cpuRate, latencies };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const payments = arg('payments', 100_000);
const sqlite = await benchSqlite(payments, has('no-large') ? undefined : arg('large', 1_000_000));
let pgRate: number | undefined;
if (!has('no-pg')) {
  try {
    pgRate = await benchPostgresRebuild(arg('pg-payments', 30_000));
  } catch (e) {
    console.log(`PostgreSQL: skipped (${e instanceof Error ? e.message : String(e)})`);
  }
}
console.log(
  `\nsummary: SQLite rebuild ${Math.round(sqlite.rebuildRate as number)} events/s wall, ` +
    `${Math.round(sqlite.rebuildCpuRate as number)} per CPU-second (>= 100,000: ${(sqlite.rebuildRate as number) >= 100_000 ? 'yes' : 'NO'})` +
    (pgRate === undefined
      ? ''
      : `; PostgreSQL rebuild ${Math.round(pgRate)} events/s (>= 30,000: ${pgRate >= 30_000 ? 'yes' : 'NO'})`),
);
