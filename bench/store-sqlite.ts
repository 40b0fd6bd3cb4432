/**
 * SQLite half of `npm run bench:store`: appends/s of SqliteEventStore (group commit) at several
 * concurrencies, to new streams and to existing streams, next to the raw ceiling measured in the
 * same run: one plain INSERT per transaction on a SQLite file with the same synchronous setting.
 * SQLite runs that ceiling sequentially whatever the concurrency (one writer); concurrency only
 * queues, which is exactly what group commit turns into throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../src/eventsourcing/sqlite/sqliteEventStore.js';
import { type LoadOptions, measure, type Row, toRow } from './lib/harness.js';

export interface SqliteBenchOptions {
  concurrencies?: number[];
  runs?: number;
  durationMs?: number;
  synchronous?: 'full' | 'normal' | 'off';
}

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

function withTempFile<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-'));
  return fn(join(dir, 'bench.db')).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** One INSERT per transaction (autocommit), same WAL mode and synchronous setting. */
function ceiling(load: LoadOptions, synchronous: string) {
  return withTempFile(async (path) => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    db.exec(
      'CREATE TABLE events (global_position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, data TEXT NOT NULL)',
    );
    const insert = db.prepare('INSERT INTO events (id, stream_id, data) VALUES (?, ?, ?)');
    try {
      return await measure(async (i) => {
        insert.run(`id-${i}`, `s-${i}`, JSON.stringify(event(i).data));
      }, load);
    } finally {
      db.close();
    }
  });
}

function ours(load: LoadOptions, synchronous: 'full' | 'normal' | 'off', existing: boolean) {
  return withTempFile(async (path) => {
    const store = new SqliteEventStore({ path, synchronous });
    try {
      if (!existing) {
        return await measure(
          (i) => store.append(`new-${i}`, [event(i)], { expectedVersion: 'no_stream' }),
          load,
        );
      }
      // Each worker owns a stream and appends at its exact version, as a command handler would.
      const versions = new Array<number>(load.concurrency).fill(0);
      await Promise.all(versions.map((_, w) => store.append(`existing-${w}`, [event(w)])));
      versions.fill(1);
      return await measure(async (i, w) => {
        const r = await store.append(`existing-${w}`, [event(i)], { expectedVersion: versions[w]! });
        versions[w] = r.nextExpectedVersion;
      }, load);
    } finally {
      await store.close();
    }
  });
}

export async function benchSqliteStore(opts: SqliteBenchOptions = {}): Promise<Row[]> {
  const synchronous = opts.synchronous ?? 'full';
  const rows: Row[] = [];
  for (const concurrency of opts.concurrencies ?? [1, 16, 64]) {
    const load: LoadOptions = {
      concurrency,
      runs: opts.runs ?? 3,
      durationMs: opts.durationMs ?? 2000,
      warmup: 200,
    };
    const base = await ceiling(load, synchronous);
    const baseline = { name: `1 insert/tx, ${synchronous}`, opsPerSec: base.opsPerSec };
    rows.push(toRow(`sqlite raw insert per tx (${synchronous})`, concurrency, base));
    rows.push(
      toRow(
        `sqlite append, new streams (${synchronous})`,
        concurrency,
        await ours(load, synchronous, false),
        baseline,
      ),
    );
    rows.push(
      toRow(
        `sqlite append, existing streams (${synchronous})`,
        concurrency,
        await ours(load, synchronous, true),
        baseline,
      ),
    );
  }
  return rows;
}
