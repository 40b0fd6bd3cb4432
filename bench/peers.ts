/**
 * `npm run bench:peers [-- --runs 3 --duration 3000 --concurrency 1,16,64 --only sqlite|postgres
 *   --scenarios new[,existing] --no-probe]`
 *
 * paystream's event store next to the peer, Emmett 0.42, in ONE run on the same machine: for each
 * database and concurrency, appends/s of one event per append, same event, both durable
 * (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on). The runs of the two stores are
 * interleaved (ours, Emmett, Emmett, ours, …) so drift on a shared machine hits both alike; the
 * figures are medians and the ratio is paystream / Emmett of this run. Then a probe of the four
 * expected-version cases against both Emmett stores and ours.
 *
 * Emmett lives in bench/peers (own package.json/lock, installed with --legacy-peer-deps); when it
 * is not installed this prints how to install it and exits 0, so nothing else depends on it.
 * Fresh databases: a SQLite file per store in a temp dir; PostgreSQL databases
 * ps_bench_emmett_<random> and ps_bench_peers_<random> (ours), dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { AppendOptions, EventStore, ExpectedVersion } from '../src/eventsourcing/eventStore.js';
import { PostgresEventStore } from '../src/eventsourcing/postgres/postgresEventStore.js';
import { SqliteEventStore } from '../src/eventsourcing/sqlite/sqliteEventStore.js';
import { median, type Operation, printTable, type Row, runOnce } from './lib/harness.js';

// ---------- the peer module (bench/peers/emmett.ts), loaded dynamically ----------

interface PeerEvent {
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}
interface PeerStore {
  name: string;
  append(stream: string, event: PeerEvent, expected: ExpectedVersion): Promise<number>;
  version(stream: string): Promise<number>;
  close(): Promise<void>;
  settings: string;
}
interface EmmettModule {
  emmettPostgres(connectionString: string): PeerStore;
  emmettSqlite(fileName: string): Promise<PeerStore>;
  newStreamsOp(store: PeerStore, event: (i: number) => PeerEvent, tag: string): Operation;
  existingStreamsOp(
    store: PeerStore,
    event: (i: number) => PeerEvent,
    tag: string,
    concurrency: number,
  ): Promise<Operation>;
}

const peersDir = new URL('./peers/', import.meta.url);
if (!existsSync(new URL('node_modules/@event-driven-io/emmett-postgresql/package.json', peersDir))) {
  console.log(
    'bench:peers — Emmett is not installed (bench/peers/node_modules is missing). Install it with:\n' +
      '  npm --prefix bench/peers ci --legacy-peer-deps\n' +
      'then run `npm run bench:peers` again. Skipped.',
  );
  process.exit(0);
}
// A computed specifier: the root typecheck never follows it into bench/peers.
const emmett = (await import(new URL('emmett.ts', peersDir).href)) as EmmettModule;

// ---------- options ----------

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '1,16,64' },
    only: { type: 'string' },
    scenarios: { type: 'string', default: 'new' },
    'no-probe': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const durationMs = Number(values.duration);
const concurrencies = values.concurrency.split(',').map(Number);
const scenarios = values.scenarios.split(',') as ('new' | 'existing')[];
const ADMIN_URL = process.env.PAYSTREAM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WARMUP = 50;

/** The payment-sized event of bench/store-sqlite.ts (~250 bytes of data), for both stores. */
function event(i: number): PeerEvent {
  return {
    type: 'PaymentRequested',
    data: {
      paymentId: `pay_${i}`,
      amount: 1000 + (i % 9000),
      currency: 'EUR',
      customer: `cus_${i % 977}`,
      description: 'Order #'.padEnd(120, '.'),
    },
    metadata: { correlationId: `req_${i}`, actor: 'key_bench' },
  };
}

// ---------- our store behind the same small interface ----------

function ours(name: string, store: EventStore, settings: string): PeerStore {
  return {
    name,
    settings,
    async append(stream, e, expected) {
      const options: AppendOptions = { expectedVersion: expected };
      return (await store.append(stream, [e], options)).nextExpectedVersion;
    },
    version: (stream) => store.streamVersion(stream),
    close: () => store.close(),
    // new streams: expected 'no_stream' (our enforced equivalent of Emmett's 0).
  };
}

function oursNewStreamsOp(store: PeerStore, tag: string): Operation {
  return (i) => store.append(`payment-${tag}-${i}`, event(i), 'no_stream');
}

// ---------- measuring ----------

interface Sample {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  attempted: number;
  failed: number;
  lastError?: unknown;
}

/** One harness run; failed appends are counted apart and not as throughput. */
async function runCounted(op: Operation, concurrency: number): Promise<Sample> {
  let failed = 0;
  let lastError: unknown;
  const r = await runOnce(
    async (i, w) => {
      try {
        await op(i, w);
      } catch (e) {
        failed++;
        lastError = e;
      }
    },
    { concurrency, durationMs },
  );
  return {
    opsPerSec: (r.ops - failed) / r.seconds,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    attempted: r.ops,
    failed,
    lastError,
  };
}

function summarise(name: string, concurrency: number, samples: Sample[], baseline?: Row['baseline']): Row {
  return {
    name,
    concurrency,
    opsPerSec: median(samples.map((s) => s.opsPerSec)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    ...(baseline ? { baseline } : {}),
  };
}

const notes: string[] = [];

/**
 * Emmett's SQLite connection logs every error of a failed transaction with `console.log(err)`
 * (thousands of SQLITE_BUSY lines at concurrency 64); count those instead of printing them.
 */
let loggedErrors = 0;
const consoleLog = console.log.bind(console);
console.log = (...args: unknown[]) => {
  if (args.length === 1 && args[0] instanceof Error) loggedErrors++;
  else consoleLog(...args);
};

/** For each concurrency and scenario: warm both up, then interleave their runs. */
async function compare(db: string, our: PeerStore, peer: PeerStore): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of concurrencies) {
    for (const scenario of scenarios) {
      const tag = randomBytes(3).toString('hex');
      const ourOp =
        scenario === 'new'
          ? oursNewStreamsOp(our, tag)
          : await emmett.existingStreamsOp(our, event, `${tag}o`, c);
      const peerOp =
        scenario === 'new'
          ? emmett.newStreamsOp(peer, event, `${tag}e`)
          : await emmett.existingStreamsOp(peer, event, `${tag}e`, c);
      // Warm-up (JIT, schema creation, pools), once per database at concurrency 1: unmeasured, failures
      // ignored, sequence numbers kept apart. (Once, not per line: an Emmett SQLite append at
      // concurrency 64 can take 16 s, see the failure notes.)
      if (c === concurrencies[0] && scenario === scenarios[0])
        for (const op of [ourOp, peerOp])
          await runOnce((i, w) => op(i + 1e9, w).catch(() => {}), { concurrency: 1, count: WARMUP });
      const seqOurs = { next: 0 };
      const seqPeer = { next: 0 };
      const oursSamples: Sample[] = [];
      const peerSamples: Sample[] = [];
      for (let r = 0; r < runs; r++) {
        const pair = [
          async () => oursSamples.push(await runCounted((_, w) => ourOp(seqOurs.next++, w), c)),
          async () => peerSamples.push(await runCounted((_, w) => peerOp(seqPeer.next++, w), c)),
        ];
        if (r % 2) pair.reverse();
        for (const run of pair) await run();
      }
      const label = scenario === 'new' ? 'new streams' : 'existing streams';
      const peerRow = summarise(`${peer.name}, ${label}`, c, peerSamples);
      rows.push(peerRow);
      // No ratio where Emmett failed most of its appends (a ratio to ~0 appends/s means nothing): the
      // failure notes say what happened instead.
      const peerFailed = peerSamples.reduce((n, s) => n + s.failed, 0);
      const peerAttempted = peerSamples.reduce((n, s) => n + s.attempted, 0);
      const baseline =
        peerRow.opsPerSec > 0 && peerFailed * 2 < peerAttempted
          ? { name: 'Emmett', opsPerSec: peerRow.opsPerSec }
          : undefined;
      rows.push(summarise(`paystream ${db}, ${label}`, c, oursSamples, baseline));
      for (const [who, samples] of [
        [peer.name, peerSamples],
        [`paystream ${db}`, oursSamples],
      ] as const) {
        const failed = samples.reduce((n, s) => n + s.failed, 0);
        const attempted = samples.reduce((n, s) => n + s.attempted, 0);
        const last = samples.find((s) => s.lastError)?.lastError;
        if (failed)
          notes.push(
            `${who}, ${label}, c=${c}: ${failed} of ${attempted} appends failed over ${runs} runs, e.g. ${
              last instanceof Error ? last.message : String(last)
            }`,
          );
      }
      console.error(
        `  ${db} c=${c} ${label}: paystream ${oursSamples.map((s) => s.opsPerSec.toFixed(0)).join('/')}, ` +
          `Emmett ${peerSamples.map((s) => s.opsPerSec.toFixed(0)).join('/')} appends/s`,
      );
    }
  }
  return rows;
}

// ---------- the expected-version probe ----------

interface Case {
  name: string;
  /** Whether the stream exists (one event, version 1) before the probe. */
  existing: boolean;
  expected: ExpectedVersion;
  /** What the case must do when enforced. */
  mustReject: boolean;
}

const CASES: Case[] = [
  { name: 'no_stream on an existing stream', existing: true, expected: 'no_stream', mustReject: true },
  { name: 'stream_exists on a missing stream', existing: false, expected: 'stream_exists', mustReject: true },
  { name: 'exact wrong version (5, stream at 1)', existing: true, expected: 5, mustReject: true },
  { name: 'any on an existing stream', existing: true, expected: 'any', mustReject: false },
  { name: '(extra) version 0 on an existing stream', existing: true, expected: 0, mustReject: true },
];

function isConflict(e: unknown): boolean {
  const err = e as { code?: unknown; errorCode?: unknown } | undefined;
  return err?.code === 'PAY_CONCURRENCY' || err?.errorCode === 412;
}

/** One cell: did the store do what the case requires, and is the stream still usable afterwards? */
async function probeCase(store: PeerStore, c: Case): Promise<string> {
  const stream = `payment-probe${randomBytes(4).toString('hex')}`;
  if (c.existing) await store.append(stream, event(0), 0);
  const before = await store.version(stream);
  let outcome: 'appended' | 'rejected' | string;
  try {
    await store.append(stream, event(1), c.expected);
    outcome = 'appended';
  } catch (e) {
    outcome = isConflict(e) ? 'rejected' : `error: ${e instanceof Error ? e.message : String(e)}`;
  }
  const after = await store.version(stream);
  let cell: string;
  if (c.mustReject) {
    cell =
      outcome === 'rejected'
        ? 'enforced'
        : outcome === 'appended'
          ? `NOT enforced (appended, v${before}→v${after})`
          : outcome;
  } else {
    cell = outcome === 'appended' ? 'ok (appended)' : `wrong: ${outcome}`;
  }
  // Follow-up: an append at the version readStream reports must still succeed.
  try {
    await store.append(stream, event(2), after);
  } catch (e) {
    cell += `; then append at v${after} fails (${isConflict(e) ? 'conflict' : e instanceof Error ? e.message : e})`;
  }
  return cell;
}

async function probe(stores: PeerStore[]): Promise<void> {
  const header = ['case', ...stores.map((s) => s.name)];
  const lines: string[][] = [];
  for (const c of CASES) {
    const cells = [c.name];
    for (const s of stores) cells.push(await probeCase(s, c));
    lines.push(cells);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i]!)).join(' | ');
  console.log('\nExpected-version enforcement (one append of one event per case)');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const l of lines) console.log(line(l));
  console.log(
    '(Emmett: no_stream = STREAM_DOES_NOT_EXIST, stream_exists = STREAM_EXISTS, any = NO_CONCURRENCY_CHECK,\n' +
      ' a number = that bigint; "then append at vN fails" = the stream cannot be appended to at the version\n' +
      ' readStream reports after the probe.)',
  );
}

// ---------- databases ----------

async function withPgDatabase<T>(prefix: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    try {
      return await fn(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    }
  } finally {
    await admin.end();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(
    `bench:peers — paystream vs Emmett 0.42, one event per append, ${runs} interleaved runs of ${durationMs} ms per line;` +
      ' medians; ratio = paystream / Emmett of this run',
  );
  const doProbe = !values['no-probe'];
  const dir = mkdtempSync(join(tmpdir(), 'paystream-peers-'));
  const sqliteStores: PeerStore[] = [];
  try {
    if (values.only !== 'postgres') {
      const our = ours(
        'paystream SQLite',
        new SqliteEventStore({ path: join(dir, 'paystream.db'), synchronous: 'full' }),
        'WAL, synchronous=FULL',
      );
      sqliteStores.push(our);
      const peer = await emmett.emmettSqlite(join(dir, 'emmett.db'));
      sqliteStores.push(peer);
      console.error(`SQLite: paystream ${our.settings}; Emmett ${peer.settings}`);
      printTable('SQLite event store: paystream vs Emmett', await compare('SQLite', our, peer));
    }
    if (values.only === 'sqlite') {
      if (doProbe) await probe(sqliteStores);
    } else {
      await withPgDatabase('ps_bench_peers', (oursUrl) =>
        withPgDatabase('ps_bench_emmett', async (emmettUrl) => {
          const our = ours(
            'paystream PostgreSQL',
            await PostgresEventStore.create({ connectionString: oursUrl, synchronousCommit: 'on' }),
            'synchronous_commit=on',
          );
          const peer = emmett.emmettPostgres(emmettUrl);
          try {
            const c = new pg.Client({ connectionString: emmettUrl });
            await c.connect();
            const sc = (await c.query('SHOW synchronous_commit')).rows[0]?.synchronous_commit;
            await c.end();
            console.error(`PostgreSQL: paystream ${our.settings}; Emmett ${peer.settings} = ${sc}`);
            printTable('PostgreSQL event store: paystream vs Emmett', await compare('PostgreSQL', our, peer));
            if (doProbe) await probe([...sqliteStores, our, peer]);
          } finally {
            await our.close();
            await peer.close();
          }
        }),
      );
    }
  } finally {
    for (const s of sqliteStores) await s.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  if (notes.length)
    console.log(
      `\nFailed appends (ops/s counts successful appends only; p50/p99 include the failed ones):\n  ${notes.join('\n  ')}`,
    );
  if (loggedErrors)
    console.log(`(errors logged by Emmett itself with console.log, not printed: ${loggedErrors})`);
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

await main();
