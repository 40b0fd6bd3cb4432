/**
 * PostgreSQL-specific behaviour of PostgresEventStore (the shared contract runs in
 * postgres.test.ts): migrations, group commit, inline hooks, synchronous_commit, NOTIFY across
 * store instances, metrics, and races between processes (connection failures: postgres-failures.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { EventIdConflictError, type RecordedEvent } from '../../src/eventsourcing/eventStore.js';
import { eventStoreMigrations, migratePostgres } from '../../src/eventsourcing/postgres/migrate.js';
import { PostgresEventStore } from '../../src/eventsourcing/postgres/postgresEventStore.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ConcurrencyError, ValidationError } from '../../src/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('pgstore');
  db.pool.on('error', () => {});
});
after(() => db.drop());

async function withStore<T>(
  fn: (store: PostgresEventStore) => Promise<T>,
  options: Parameters<typeof PostgresEventStore.create>[0] = {},
): Promise<T> {
  const store = await PostgresEventStore.create({ pool: db.pool, ...options });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const ns = () => `t${Math.random().toString(36).slice(2, 8)}-`;

describe('PostgreSQL migrations', () => {
  it('apply once: a second run, and concurrent runs, apply nothing more', async () => {
    const fresh = await createTestDatabase('pgmigrate');
    fresh.pool.on('error', () => {});
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: fresh.url, max: 2 }));
    try {
      const runs = await Promise.all(pools.map((p) => migratePostgres(p, [eventStoreMigrations])));
      assert.equal(runs.flat().length, 1, 'the one migration file is applied by exactly one runner');
      assert.deepEqual(await migratePostgres(fresh.pool, [eventStoreMigrations]), []);
      const rows = await fresh.pool.query('SELECT module, version FROM schema_migrations');
      assert.deepEqual(rows.rows, [{ module: 'eventstore', version: 1 }]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await fresh.drop();
    }
  });
});

describe('PostgreSQL group commit', () => {
  it('commits concurrent appends in fewer transactions than appends, and records metrics', async () => {
    const metrics = createMetrics();
    await withStore(
      async (store) => {
        const prefix = ns();
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) => store.append(`${prefix}${i}`, [{ type: 'T', data: { i } }])),
        );
        assert.ok(results.every((r) => r.written && r.nextExpectedVersion === 1));
        const size = (await metrics.groupCommitBatchSize.get()).values;
        const sum = size.find((v) => v.metricName?.endsWith('_sum') && v.labels.store === 'postgres')?.value;
        const count = size.find(
          (v) => v.metricName?.endsWith('_count') && v.labels.store === 'postgres',
        )?.value;
        assert.equal(sum, 60, 'every append went through a batch');
        assert.ok(count !== undefined && count < 60, `fewer batches (${count}) than appends`);
        const latency = (await metrics.appendDuration.get()).values;
        const appends = latency.find(
          (v) => v.metricName?.endsWith('_count') && v.labels.store === 'postgres',
        );
        assert.equal(appends?.value, 60);
      },
      { metrics },
    );
  });

  it('a failed check inside a batch fails only its own append; the rest of the batch commits', async () => {
    const metrics = createMetrics();
    await withStore(
      async (store) => {
        const prefix = ns();
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.append(`${prefix}${i}`, [{ type: 'Seed', data: {} }])),
        );
        // Even streams are appended at the right version, odd ones at a stale one.
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.append(`${prefix}${i}`, [{ type: 'Next', data: { i } }], {
              expectedVersion: i % 2 === 0 ? 1 : 0,
              outbox: [{ kind: 'k', dedupKey: `${prefix}${i}`, payload: {} }],
            }),
          ),
        );
        const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
        assert.deepEqual(failed, [1, 3, 5, 7, 9]);
        for (const i of failed) {
          const r = results[i] as PromiseRejectedResult;
          assert.ok(r.reason instanceof ConcurrencyError);
          assert.deepEqual([r.reason.expected, r.reason.actual], [0, 1]);
        }
        const versions = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.streamVersion(`${prefix}${i}`)),
        );
        assert.deepEqual(
          versions,
          versions.map((_, i) => (i % 2 === 0 ? 2 : 1)),
        );
        const outbox = await db.pool.query<{ dedup_key: string }>(
          'SELECT dedup_key FROM outbox_messages WHERE starts_with(dedup_key, $1) ORDER BY dedup_key',
          [prefix],
        );
        assert.deepEqual(
          outbox.rows.map((r) => r.dedup_key.slice(prefix.length)),
          ['0', '2', '4', '6', '8'],
        );
        const size = (await metrics.groupCommitBatchSize.get()).values;
        const count = size.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
        assert.ok(count < 20, `20 appends in ${count} batches: failures shared batches with successes`);
      },
      { metrics },
    );
  });

  it("synchronousCommit: 'off' applies to the batch transaction only, 'on' is the default", async () => {
    const seen: string[] = [];
    const hook = async (client: pg.PoolClient) => {
      seen.push(
        (await client.query<{ s: string }>('SELECT current_setting($1) AS s', ['synchronous_commit']))
          .rows[0]!.s,
      );
    };
    for (const synchronousCommit of ['off', undefined] as const) {
      await withStore(
        async (store) => {
          store.registerInlineHook(hook);
          await store.append(`${ns()}a`, [{ type: 'T', data: {} }]);
        },
        { synchronousCommit },
      );
    }
    assert.deepEqual(seen, ['off', 'on']);
    const session = await db.pool.query<{ s: string }>('SELECT current_setting($1) AS s', [
      'synchronous_commit',
    ]);
    assert.equal(session.rows[0]!.s, 'on', 'the pool connections keep the server default');
  });

  it('rejects U+0000 (jsonb cannot store it) with ValidationError and writes nothing', async () => {
    await withStore(async (store) => {
      const s = `${ns()}a`;
      await assert.rejects(
        store.append(s, [{ type: 'T', data: { text: 'a\u0000b' } }]),
        (e) => e instanceof ValidationError && e.code === 'PAY_VALIDATION',
      );
      assert.equal(await store.streamVersion(s), 0);
      // An escaped backslash followed by "u0000" is ordinary text.
      const r = await store.append(s, [{ type: 'T', data: { text: '\\u0000' } }]);
      assert.deepEqual((await store.readStream(s))[0]!.data, { text: '\\u0000' });
      assert.equal(r.written, true);
    });
  });

  it('the same event id appended to two streams by two stores at once: one wins, one conflicts', async () => {
    await withStore(async (a) => {
      await withStore(async (b) => {
        const prefix = ns();
        for (let round = 0; round < 8; round++) {
          const id = uuidv7();
          const results = await Promise.allSettled([
            a.append(`${prefix}x${round}`, [{ id, type: 'T', data: { round } }]),
            b.append(`${prefix}y${round}`, [{ id, type: 'T', data: { round } }]),
          ]);
          const won = results.filter((r) => r.status === 'fulfilled');
          assert.equal(won.length, 1, `round ${round}: one winner`);
          const lost = results.find((r) => r.status === 'rejected');
          assert.ok(lost?.reason instanceof EventIdConflictError, String(lost?.reason));
          const stored = await db.pool.query('SELECT stream_id FROM events WHERE event_id = $1', [id]);
          assert.equal(stored.rowCount, 1);
        }
      });
    });
  });
});

describe('PostgreSQL inline hooks', () => {
  before(() =>
    db.pool.query('CREATE TABLE hook_log (event_id uuid PRIMARY KEY, stream_id text, version int)'),
  );

  it('run in the batch transaction with the recorded events; a throwing hook fails only its append', async () => {
    await withStore(async (store) => {
      const prefix = ns();
      const received: RecordedEvent[][] = [];
      store.registerInlineHook(async (client, events) => {
        received.push(events);
        for (const e of events) {
          await client.query('INSERT INTO hook_log VALUES ($1, $2, $3)', [e.id, e.streamId, e.streamVersion]);
        }
        if (events[0]!.streamId.endsWith('bad')) throw new Error('projection refused');
      });
      const names = ['a', 'b', 'bad', 'c', 'd'];
      const results = await Promise.allSettled(
        names.map((n) =>
          store.append(`${prefix}${n}`, [
            { type: 'T', data: { n } },
            { type: 'U', data: { n } },
          ]),
        ),
      );
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' ? [[names[i], r.reason.message]] : [],
      );
      assert.deepEqual(failed, [['bad', 'projection refused']]);
      assert.equal(await store.streamVersion(`${prefix}bad`), 0, 'the failed append wrote nothing');
      const logged = await db.pool.query<{ stream_id: string }>(
        'SELECT stream_id FROM hook_log WHERE starts_with(stream_id, $1) ORDER BY stream_id, version',
        [prefix],
      );
      assert.deepEqual(
        logged.rows.map((r) => r.stream_id.slice(prefix.length)),
        ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'],
        "hook rows commit with their events, and the failed append's rows roll back",
      );
      const stored = await store.readStream(`${prefix}a`);
      // The last call: the batch ran again without the failed append.
      const hooked = received.findLast((events) => events[0]!.streamId === `${prefix}a`)!;
      assert.deepEqual(
        hooked.map((e) => ({ ...e })),
        stored.map((e) => ({ ...e })),
      );
    });
  });
});

describe('PostgreSQL subscriptions across stores', () => {
  it('a subscriber on another store instance is woken by NOTIFY, not by its poll', {
    timeout: 30_000,
  }, async () => {
    const other = new pg.Pool({ connectionString: db.url, max: 4 });
    other.on('error', () => {});
    try {
      await withStore(
        async (reader) => {
          await withStore(async (writer) => {
            const prefix = ns();
            const start = (await reader.head()).checkpoint;
            let resolveGot!: (e: RecordedEvent) => void;
            const got = new Promise<RecordedEvent>((r) => {
              resolveGot = r;
            });
            const sub = reader.subscribe({
              after: start,
              streamPrefix: prefix,
              handler: (e) => resolveGot(e),
            });
            await sub.caughtUp;
            let delivered: RecordedEvent | undefined;
            void got.then((e) => {
              delivered = e;
            });
            const r = await writer.append(`${prefix}a`, [{ type: 'Live', data: {} }]);
            // Each append notifies; more than one may be needed when an unrelated transaction
            // elsewhere holds the gap-safe horizon back at the first wake-up.
            for (let i = 0; delivered === undefined && i < 500; i++) {
              await writer.append(`${ns()}filler`, [{ type: 'Filler', data: {} }]);
            }
            assert.equal((await got).checkpoint, r.checkpoint);
            await sub.stop();
          });
        },
        // A poll period longer than the test's timeout: only a notification can deliver in time.
        { pool: other, pollIntervalMs: 600_000 },
      );
    } finally {
      await other.end();
    }
  });
});
