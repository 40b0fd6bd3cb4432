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
  /** The same percentiles of the CPU time this process spent per call (immune to preemption). */
  cpuP50Ms: number;
  cpuP99Ms: number;
}

function percentiles(samples: Float64Array): [number, number] {
  samples.sort();
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return [at(0.5), at(0.99)];
}

/**
 * Sequential calls; p50/p99 of the wall time per call, and of the CPU time per call: on a shared,
 * loaded machine the wall p99 mostly measures the time slices other processes took.
 */
export async function measure(
  name: string,
  n: number,
  op: (i: number) => Promise<unknown>,
): Promise<Latency> {
  for (let i = 0; i < Math.min(200, n); i++) await op(i);
  const wall = new Float64Array(n);
  const cpu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await op(i);
    wall[i] = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu[i] = (c.user + c.system) / 1000;
  }
  const [p50Ms, p99Ms] = percentiles(wall);
  const [cpuP50Ms, cpuP99Ms] = percentiles(cpu);
  return { name, n, p50Ms, p99Ms, cpuP50Ms, cpuP99Ms };
}

const ms = (x: number) => x.toFixed(3).padStart(7);
const fmt = (l: Latency) =>
  `  ${l.name.padEnd(48)} wall p50 ${ms(l.p50Ms)} p99 ${ms(l.p99Ms)} ms | cpu p50 ${ms(l.cpuP50Ms)} p99 ${ms(l.cpuP99Ms)} ms (${l.n})`;

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

const secondsSince = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
type Runtime = ProjectionRuntime<import('better-sqlite3').Database>;

interface RebuildFigures {
  catchUpRate: number;
  rebuildRate: number;
  rebuildCpuRate: number;
}

/** Catch-up from empty, then a shadow rebuild, then the raw-insert ceiling for comparison. */
async function rebuildRates(
  store: SqliteEventStore,
  runtime: Runtime,
  events: number,
): Promise<RebuildFigures> {
  const t0 = performance.now();
  await runtime.start();
  const catchUpRate = events / ((performance.now() - t0) / 1000);
  console.log(`  projector catch-up from empty: ${Math.round(catchUpRate)} events/s`);
  const cpu0 = process.cpuUsage();
  // The default batch size (what `paystream projections rebuild` uses).
  const [rebuilt] = await runtime.rebuild('payments');
  const cpu = process.cpuUsage(cpu0);
  // SQLite runs in this process: events per CPU-second is the rate on an otherwise idle core.
  const rebuildCpuRate = rebuilt!.events / ((cpu.user + cpu.system) / 1e6);
  const rebuildRate = rebuilt!.eventsPerSecond;
  console.log(
    `  rebuild (shadow + swap): ${Math.round(rebuildRate)} events/s wall, ` +
      `${Math.round(rebuildCpuRate)} events per CPU-second (target >= 100,000)`,
  );
  const ceiling = rawInsertCeilingSqlite(store.db, events / 3);
  console.log(
    `  raw ceiling, same rows by plain INSERT: ${Math.round(ceiling)} rows/s = ${Math.round(ceiling * 3)} events/s; ` +
      `rebuild = ${((rebuildRate / (ceiling * 3)) * 100).toFixed(0)}% of it`,
  );
  return { catchUpRate, rebuildRate, rebuildCpuRate };
}

/** getPayment through the query service (cache miss) and through the cache decorator (hit). */
async function pointReads(q: PaymentQueryService, runtime: Runtime, payments: number): Promise<Latency[]> {
  const pick = picker(1);
  const out = [
    await measure(`getPayment @${payments} (read model)`, 20_000, () =>
      q.getPayment(benchPaymentId(pick(payments))),
    ),
  ];
  const cached = new CachedPaymentQueries(q, new MemoryCache({ maxEntries: payments * 2 }));
  runtime.onChange(cached.onProjectionChange);
  for (let i = 0; i < 5000; i++) await cached.getPayment(benchPaymentId(i));
  out.push(
    await measure('getPayment cache hit (memory, in process)', 50_000, (i) =>
      cached.getPayment(benchPaymentId(i % 5000)),
    ),
  );
  return out;
}

/** Grows payment_details to `large` rows by direct SQL inserts, then measures again. */
async function atLarge(store: SqliteEventStore, q: PaymentQueryService, payments: number, large: number) {
  const t0 = performance.now();
  insertDetailRows(store.db, payments, large, large);
  store.db.exec('ANALYZE');
  console.log(`SQLite: inserted ${large - payments} read-model rows directly (SQL) in ${secondsSince(t0)} s`);
  const pick = picker(3);
  const out = [
    await measure(`getPayment @${large} (read model)`, 20_000, () =>
      q.getPayment(benchPaymentId(pick(large))),
    ),
    ...(await listPages(q, large, `@${large}`)),
  ];
  for (const l of out) console.log(fmt(l));
  return out;
}

async function benchSqlite(payments: number, large: number | undefined): Promise<RebuildFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-queries-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'normal' });
  try {
    migrateSqlite(store.db, [projectionRuntimeMigrations('sqlite'), SQLITE_PAYMENT_READ_MODEL_MIGRATIONS]);
    const t0 = performance.now();
    await appendBenchPayments(store, 0, payments, payments);
    console.log(`SQLite: seeded ${payments} payments (${payments * 3} events) in ${secondsSince(t0)} s`);
    const db = new SqliteProjectionDb(store.db);
    const runtime = new ProjectionRuntime({
      store,
      db,
      projections: [sqlitePaymentsProjection()],
      batchSize: 2000,
    });
    const figures = await rebuildRates(store, runtime, payments * 3);
    const q = new SqlitePaymentQueries(store.db, { store });
    const latencies = [
      ...(await pointReads(q, runtime, payments)),
      ...(await listPages(q, payments, `@${payments}`)),
    ];
    for (const l of latencies) console.log(fmt(l));
    if (large && large > payments) await atLarge(store, q, payments, large);
    await runtime.stop();
    return figures;
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
const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
console.log(
  `\nsummary: SQLite rebuild ${Math.round(sqlite.rebuildRate)} events/s wall, ` +
    `${Math.round(sqlite.rebuildCpuRate)} per CPU-second (>= 100,000 wall: ${yes(sqlite.rebuildRate >= 100_000)})` +
    (pgRate === undefined
      ? ''
      : `; PostgreSQL rebuild ${Math.round(pgRate)} events/s (>= 30,000: ${yes(pgRate >= 30_000)})`),
);
