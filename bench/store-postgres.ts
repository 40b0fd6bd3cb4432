/**
 * PostgreSQL half of `npm run bench:store`: appends/s of PostgresEventStore at several
 * concurrencies, for new streams and for existing ones, next to the raw ceiling measured in the
 * same run on the same database — one plain INSERT per transaction through `pg`, one connection
 * per concurrent worker. Each figure is the median of `runs` runs. Durable settings (the server's
 * synchronous_commit, normally on). Runs on its own throwaway database.
 *   npx tsx bench/store-postgres.ts [--duration=3000] [--runs=3] [--concurrency=1,16,64] [--in-flight=2]
 *     [--synchronous-commit=off] (not durable; the ceiling then runs with it off too)
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { PostgresEventStore } from '../src/eventsourcing/postgres/postgresEventStore.js';

export interface Row {
  store: string;
  scenario: string;
  concurrency: number;
  opsPerSec: number;
  ceilingOpsPerSec?: number;
  ratio?: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface PostgresBenchOptions {
  /** Server URL whose database is used to create the bench database; default PAYSTREAM_TEST_PG_URL or local. */
  adminUrl?: string;
  durationMs?: number;
  runs?: number;
  concurrencies?: number[];
  synchronousCommit?: 'on' | 'off';
  /** Group-commit batches in flight (the store's default when absent). */
  maxInFlight?: number;
  log?: (line: string) => void;
}

interface Measured {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const EVENT = {
  type: 'PaymentRequested',
  data: {
    paymentId: 'pay_0000000000',
    amount: 12_500,
    currency: 'EUR',
    customer: 'cus_123',
    capture: 'auto',
  },
  metadata: { actor: 'key_bench', correlationId: 'corr-bench' },
};

async function closedLoop(concurrency: number, durationMs: number, op: (w: number) => Promise<void>) {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        const t = performance.now();
        await op(w);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { opsPerSec: latencies.length / elapsed, p50Ms: q(0.5), p99Ms: q(0.99) };
}

async function ceiling(
  url: string,
  concurrency: number,
  durationMs: number,
  syncOff: boolean,
): Promise<Measured> {
  const clients = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      // Same durability as the store under test.
      if (syncOff) await c.query('SET synchronous_commit = off');
      return c;
    }),
  );
  try {
    const data = JSON.stringify(EVENT.data);
    let n = 0;
    return await closedLoop(concurrency, durationMs, async (w) => {
      await clients[w]!.query('INSERT INTO bench_ceiling (stream_id, data) VALUES ($1, $2::jsonb)', [
        `c-${w}-${n++}`,
        data,
      ]);
    });
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function ours(
  store: PostgresEventStore,
  scenario: 'new' | 'existing',
  concurrency: number,
  durationMs: number,
): Promise<Measured> {
  const tag = randomBytes(4).toString('hex');
  const versions = new Array<number>(concurrency).fill(0);
  let n = 0;
  if (scenario === 'existing') {
    await Promise.all(
      versions.map((_, w) => store.append(`e-${tag}-${w}`, [EVENT], { expectedVersion: 'no_stream' })),
    );
    versions.fill(1);
  }
  return closedLoop(concurrency, durationMs, async (w) => {
    if (scenario === 'new') {
      await store.append(`n-${tag}-${n++}`, [EVENT], { expectedVersion: 'no_stream' });
      return;
    }
    const r = await store.append(`e-${tag}-${w}`, [EVENT], { expectedVersion: versions[w]! });
    versions[w] = r.nextExpectedVersion;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function withDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `ps_bench_store_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

type Samples = Map<string, Measured[]>;

async function measureAll(
  store: PostgresEventStore,
  url: string,
  o: Required<Pick<PostgresBenchOptions, 'runs' | 'durationMs' | 'concurrencies' | 'log'>> &
    PostgresBenchOptions,
): Promise<Samples> {
  const samples: Samples = new Map();
  for (let run = 1; run <= o.runs; run++) {
    for (const c of o.concurrencies) {
      for (const [key, measure] of [
        ['ceiling', () => ceiling(url, c, o.durationMs, o.synchronousCommit === 'off')],
        ['new', () => ours(store, 'new', c, o.durationMs)],
        ['existing', () => ours(store, 'existing', c, o.durationMs)],
      ] as const) {
        const m = await measure();
        samples.set(`${key}@${c}`, [...(samples.get(`${key}@${c}`) ?? []), m]);
        o.log(`run ${run} c=${c} ${key}: ${m.opsPerSec.toFixed(0)}/s p50 ${m.p50Ms.toFixed(2)} ms`);
      }
    }
  }
  return samples;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function summarise(samples: Samples, concurrencies: number[]): Row[] {
  return concurrencies.flatMap((c) => {
    const ceil = median(samples.get(`ceiling@${c}`)!.map((m) => m.opsPerSec));
    return (['new', 'existing'] as const).map((scenario): Row => {
      const ms = samples.get(`${scenario}@${c}`)!;
      const opsPerSec = median(ms.map((m) => m.opsPerSec));
      return {
        store: 'postgres',
        scenario: scenario === 'new' ? 'append, new streams' : 'append, existing streams',
        concurrency: c,
        opsPerSec: Math.round(opsPerSec),
        ceilingOpsPerSec: Math.round(ceil),
        ratio: round2(opsPerSec / ceil),
        p50Ms: round2(median(ms.map((m) => m.p50Ms))),
        p99Ms: round2(median(ms.map((m) => m.p99Ms))),
      };
    });
  });
}

export async function benchPostgresStore(opts: PostgresBenchOptions = {}): Promise<Row[]> {
  const adminUrl =
    opts.adminUrl ?? process.env.PAYSTREAM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const o = {
    ...opts,
    durationMs: opts.durationMs ?? 3000,
    runs: opts.runs ?? 3,
    concurrencies: opts.concurrencies ?? [1, 16, 64],
    log: opts.log ?? (() => {}),
  };
  return withDatabase(adminUrl, async (url) => {
    const store = await PostgresEventStore.create({
      connectionString: url,
      synchronousCommit: opts.synchronousCommit,
      maxInFlight: opts.maxInFlight,
      poolSize: Math.max(10, (opts.maxInFlight ?? 2) + 4),
    });
    try {
      await store.pool.query(
        'CREATE TABLE bench_ceiling (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text, data jsonb)',
      );
      return summarise(await measureAll(store, url, o), o.concurrencies);
    } finally {
      await store.close();
    }
  });
}

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchPostgresStore({
    durationMs: Number(arg('duration') ?? 3000),
    runs: Number(arg('runs') ?? 3),
    concurrencies: arg('concurrency')?.split(',').map(Number),
    maxInFlight: arg('in-flight') === undefined ? undefined : Number(arg('in-flight')),
    synchronousCommit: arg('synchronous-commit') === 'off' ? 'off' : 'on',
    log: (l) => console.error(l),
  });
  console.table(rows);
}
