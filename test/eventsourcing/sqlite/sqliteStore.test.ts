import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrateSqlite, SQLITE_EVENTSTORE_MIGRATIONS } from '../../../src/eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../../../src/eventsourcing/sqlite/sqliteEventStore.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { ConcurrencyError, PaystreamError } from '../../../src/shared/errors.js';
import { openTempStore } from '../sqliteTemp.js';

const ev = (n: number) => ({ type: 'T', data: { n } });

describe('SqliteEventStore specifics', () => {
  it('applies each migration once; running the sets again is a no-op', async () => {
    const { store, dir, cleanup } = openTempStore();
    try {
      assert.deepEqual(migrateSqlite(store.db, [SQLITE_EVENTSTORE_MIGRATIONS]), []);
      const own = join(dir, 'auth-migrations');
      mkdirSync(own);
      writeFileSync(join(own, '0001_keys.sql'), 'CREATE TABLE api_keys (id TEXT PRIMARY KEY);');
      writeFileSync(join(own, '0002_scopes.sql'), 'ALTER TABLE api_keys ADD COLUMN scopes TEXT;');
      const set = { module: 'auth', dir: own };
      assert.deepEqual(
        migrateSqlite(store.db, [set]).map((m) => `${m.module}:${m.version}:${m.name}`),
        ['auth:1:keys', 'auth:2:scopes'],
      );
      assert.deepEqual(migrateSqlite(store.db, [SQLITE_EVENTSTORE_MIGRATIONS, set]), []);
      const rows = store.db
        .prepare('SELECT module, version FROM schema_migrations ORDER BY module, version')
        .all();
      assert.deepEqual(rows, [
        { module: 'auth', version: 1 },
        { module: 'auth', version: 2 },
        { module: 'eventstore', version: 1 },
      ]);
    } finally {
      await cleanup();
    }
  });

  it('a failing migration file is rolled back and not recorded', async () => {
    const { store, dir, cleanup } = openTempStore();
    try {
      const own = join(dir, 'bad');
      mkdirSync(own);
      writeFileSync(
        join(own, '0001_half.sql'),
        'CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);',
      );
      assert.throws(() => migrateSqlite(store.db, [{ module: 'bad', dir: own }]), /nowhere/);
      const half = store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get();
      assert.equal(half, undefined);
      assert.deepEqual(
        store.db.prepare("SELECT COUNT(*) AS n FROM schema_migrations WHERE module = 'bad'").get(),
        { n: 0 },
      );
    } finally {
      await cleanup();
    }
  });

  it('uses WAL and applies the synchronous setting (FULL by default)', async () => {
    for (const [setting, expected] of [
      [undefined, 2],
      ['full', 2],
      ['normal', 1],
      ['off', 0],
    ] as const) {
      const { store, cleanup } = openTempStore(setting ? { synchronous: setting } : {});
      try {
        assert.equal(store.db.pragma('synchronous', { simple: true }), expected, `synchronous=${setting}`);
        assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        await cleanup();
      }
    }
  });

  it('group commit: N concurrent appends commit in fewer than N transactions, with metrics', async () => {
    const metrics = createMetrics();
    const { store, cleanup } = openTempStore({ metrics });
    try {
      const n = 200;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => store.append(`s-${i}`, [ev(i)])));
      assert.equal(results.length, n);
      assert.ok(
        store.committedBatches >= 1 && store.committedBatches < n,
        `${store.committedBatches} batches for ${n}`,
      );
      const sizes = await metrics.groupCommitBatchSize.get();
      const count = sizes.values.find((v) => v.metricName?.endsWith('_count') && v.labels.store === 'sqlite');
      const sum = sizes.values.find((v) => v.metricName?.endsWith('_sum') && v.labels.store === 'sqlite');
      assert.equal(count?.value, store.committedBatches);
      assert.equal(sum?.value, n);
      const durations = await metrics.appendDuration.get();
      assert.equal(durations.values.find((v) => v.metricName?.endsWith('_count'))?.value, n);
    } finally {
      await cleanup();
    }
  });

  it('maxBatch caps the appends per transaction; the rest commit in the next turns', async () => {
    const { store, cleanup } = openTempStore({ maxBatch: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 45 }, (_, i) => store.append(`s-${i}`, [ev(i)])),
      );
      assert.equal(store.committedBatches, 5);
      assert.deepEqual(
        results.map((r) => r.globalPosition),
        results.map((_, i) => i + 1),
      );
    } finally {
      await cleanup();
    }
  });

  it('a conflict in a batch fails only its own append', async () => {
    const { store, cleanup } = openTempStore();
    try {
      await store.append('a', [ev(0)]);
      const before = store.committedBatches;
      const [ok1, bad, ok2] = await Promise.allSettled([
        store.append('a', [ev(1)], { expectedVersion: 1 }),
        store.append('a', [ev(2)], { expectedVersion: 1 }),
        store.append('b', [ev(3)], { expectedVersion: 'no_stream' }),
      ]);
      assert.equal(store.committedBatches, before + 1, 'one transaction for the three');
      assert.equal(ok1.status, 'fulfilled');
      assert.equal(ok2.status, 'fulfilled');
      assert.ok(bad.status === 'rejected' && bad.reason instanceof ConcurrencyError);
      assert.deepEqual(
        (await store.readStream('a')).map((e) => e.data),
        [{ n: 0 }, { n: 1 }],
      );
      assert.deepEqual(
        (await store.readAll()).map((e) => e.globalPosition),
        [1, 2, 3],
      );
    } finally {
      await cleanup();
    }
  });

  it('inline hooks run inside the append: their writes commit with it, a throw fails only that append', async () => {
    const { store, cleanup } = openTempStore();
    try {
      store.db.exec('CREATE TABLE totals (stream_id TEXT PRIMARY KEY, n INTEGER NOT NULL)');
      const add = store.db.prepare(
        'INSERT INTO totals (stream_id, n) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET n = n + excluded.n',
      );
      store.registerInlineHook((_db, events) => {
        for (const e of events) {
          add.run(e.streamId, (e.data as { n: number }).n);
          if (e.type === 'Poison') throw new Error('projection refused');
        }
      });
      const [good, poisoned] = await Promise.allSettled([
        store.append('a', [ev(5), ev(7)]),
        store.append('b', [ev(1), { type: 'Poison', data: { n: 100 } }]),
      ]);
      assert.equal(good.status, 'fulfilled');
      assert.ok(poisoned.status === 'rejected' && /projection refused/.test(String(poisoned.reason)));
      assert.deepEqual(store.db.prepare('SELECT stream_id, n FROM totals').all(), [
        { stream_id: 'a', n: 12 },
      ]);
      assert.equal(await store.streamVersion('b'), 0);
    } finally {
      await cleanup();
    }
  });

  it('close() commits queued appends; a reopened store sees them', async () => {
    const { store, path, cleanup } = openTempStore();
    const pending = [store.append('a', [ev(1)]), store.append('a', [ev(2)], { expectedVersion: 1 })];
    await store.close();
    const results = await Promise.all(pending);
    assert.deepEqual(
      results.map((r) => r.nextExpectedVersion),
      [1, 2],
    );
    await assert.rejects(
      store.append('a', [ev(3)]),
      (e) => e instanceof PaystreamError && e.code === 'PAY_STORE_UNAVAILABLE',
    );
    const again = new SqliteEventStore({ path });
    try {
      assert.deepEqual(
        (await again.readStream('a')).map((e) => e.data),
        [{ n: 1 }, { n: 2 }],
      );
    } finally {
      await again.close();
      await cleanup();
    }
  });

  it('when the write lock cannot be taken, the batch is rejected and nothing is written', async () => {
    const { store, path, cleanup } = openTempStore({ busyTimeoutMs: 20 });
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      await assert.rejects(
        store.append('a', [ev(1)]),
        (e) => e instanceof PaystreamError && e.code === 'PAY_STORE_UNAVAILABLE',
      );
      other.exec('ROLLBACK');
      assert.equal(await store.streamVersion('a'), 0);
      assert.equal((await store.append('a', [ev(2)])).nextExpectedVersion, 1);
    } finally {
      other.close();
      await cleanup();
    }
  });

  it('subscriptions see writes made through another connection to the same file (poll)', async () => {
    const { store, path, cleanup } = openTempStore({ pollIntervalMs: 20 });
    const writer = new SqliteEventStore({ path });
    try {
      let resolveSeen!: (e: unknown) => void;
      const seen = new Promise((r) => {
        resolveSeen = r;
      });
      const sub = store.subscribe({ handler: (e) => resolveSeen(e.data) });
      await sub.caughtUp;
      await writer.append('x', [ev(42)]);
      assert.deepEqual(await seen, { n: 42 });
      await sub.stop();
    } finally {
      await writer.close();
      await cleanup();
    }
  });
  it('freshIds skips the replay look-up only: a fresh append is written, a plain retry still replays', async () => {
    const { store, cleanup } = openTempStore();
    try {
      const id = '0190a000-0000-7000-8000-000000000001';
      const first = await store.append('s-fresh', [{ ...ev(1), id }], {
        expectedVersion: 'no_stream',
        freshIds: true,
      });
      assert.equal(first.written, true);
      const replay = await store.append('s-fresh', [{ ...ev(1), id }], { expectedVersion: 'no_stream' });
      assert.equal(replay.written, false);
      assert.deepEqual(replay.globalPositions, first.globalPositions);
      // The hint is a promise about the ids: a reused one is refused by the unique id, not stored twice.
      await assert.rejects(store.append('s-other', [{ ...ev(2), id }], { freshIds: true }));
      assert.equal((await store.readAll()).length, 1);
    } finally {
      await cleanup();
    }
  });
});
