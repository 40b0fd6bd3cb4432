/**
 * SQLite half of `npm run bench:store`: appends/s of SqliteEventStore (group commit) at several
 * concurrencies, to new streams and to existing streams, next to the raw ceiling measured in the
 * same run: one plain INSERT per transaction on a SQLite file with the same synchronous setting.
 * SQLite runs that ceiling sequentially whatever the concurrency (one writer); concurrency only
 * queues, which is exactly what group commit turns into throughput. Runs of the three are
 * interleaved so that a busy moment on a shared machine affects them alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../src/eventsourcing/sqlite/sqliteEventStore.js';
import { type LoadOptions, measureInterleaved, type Operation, type Row, toRow } from './lib/harness.js';

export interface SqliteBenchOptions {
  concurrencies?: number[];
  runs?: number;
  durationMs?: number;
  synchronous?: 'full' | 'normal' | 'off';
}

type Synchronous = NonNullable<SqliteBenchOptions['synchronous']>;

/** A payment-sized event: ~250 bytes of data, metadata as the command handler writes it. */
function event(i: number) {
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

/** One INSERT per transaction (autocommit), same WAL mode and synchronous setting. */
function openCeiling(path: string, synchronous: Synchronous): { op: Operation; close: () => void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.exec(
    'CREATE TABLE events (global_position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, data TEXT NOT NULL)',
  );
  const insert = db.prepare('INSERT INTO events (id, stream_id, data) VALUES (?, ?, ?)');
  const op: Operation = async (i) => {
    insert.run(`id-${i}`, `s-${i}`, JSON.stringify(event(i).data));
  };
  return { op, close: () => db.close() };
}

/** Each worker owns a stream and appends at its exact version, as a command handler would. */
async function existingStreamsOp(store: SqliteEventStore, concurrency: number): Promise<Operation> {
  const versions = new Array<number>(concurrency).fill(1);
  await Promise.all(versions.map((_, w) => store.append(`existing-${w}`, [event(w)])));
  return async (i, w) => {
    const r = await store.append(`existing-${w}`, [event(i)], { expectedVersion: versions[w]! });
    versions[w] = r.nextExpectedVersion;
  };
}

async function benchAt(
  dir: string,
  concurrency: number,
  load: LoadOptions,
  synchronous: Synchronous,
): Promise<Row[]> {
  const ceiling = openCeiling(join(dir, `ceiling-${concurrency}.db`), synchronous);
  const fresh = new SqliteEventStore({ path: join(dir, `new-${concurrency}.db`), synchronous });
  const existing = new SqliteEventStore({ path: join(dir, `existing-${concurrency}.db`), synchronous });
  try {
    const s = await measureInterleaved(
      {
        ceiling: ceiling.op,
        fresh: (i) => fresh.append(`new-${i}`, [event(i)], { expectedVersion: 'no_stream' }),
        existing: await existingStreamsOp(existing, concurrency),
      },
      load,
    );
    const baseline = { name: `1 insert/tx, ${synchronous}`, opsPerSec: s.ceiling.opsPerSec };
    return [
      toRow(`sqlite raw insert per tx (${synchronous})`, concurrency, s.ceiling),
      toRow(`sqlite append, new streams (${synchronous})`, concurrency, s.fresh, baseline),
      toRow(`sqlite append, existing streams (${synchronous})`, concurrency, s.existing, baseline),
    ];
  } finally {
    ceiling.close();
    await fresh.close();
    await existing.close();
  }
}

export async function benchSqliteStore(opts: SqliteBenchOptions = {}): Promise<Row[]> {
  const synchronous = opts.synchronous ?? 'full';
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-'));
  try {
    const rows: Row[] = [];
    for (const concurrency of opts.concurrencies ?? [1, 16, 64]) {
      const load: LoadOptions = {
        concurrency,
        runs: opts.runs ?? 3,
        durationMs: opts.durationMs ?? 2000,
        warmup: 200,
      };
      rows.push(...(await benchAt(dir, concurrency, load, synchronous)));
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
