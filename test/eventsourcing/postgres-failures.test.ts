/**
 * PostgresEventStore when connections fail: the pool's connections killed by the server, and the
 * database dropped under a running store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresEventStore } from '../../src/eventsourcing/postgres/postgresEventStore.js';
import { PaystreamError } from '../../src/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('pgfailures');
  db.pool.on('error', () => {});
});
after(() => db.drop());

async function withStore<T>(
  fn: (store: PostgresEventStore) => Promise<T>,
  options: Parameters<typeof PostgresEventStore.create>[0],
): Promise<T> {
  const store = await PostgresEventStore.create(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const ns = () => `t${Math.random().toString(36).slice(2, 8)}-`;

describe('PostgreSQL connection failures', () => {
  it('appends go on after the server closed every connection of the pool', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 4, application_name: 'paystream-kill-me' });
    pool.on('error', () => {}); // idle connections the server closes are reported here
    try {
      await withStore(
        async (store) => {
          const s = `${ns()}a`;
          await store.append(s, [{ type: 'Before', data: {} }]);
          const killed = await db.pool.query(
            'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
            ['paystream-kill-me'],
          );
          assert.ok(Number(killed.rows[0].n) >= 1, 'the store had open connections');
          const r = await store.append(s, [{ type: 'After', data: {} }], { expectedVersion: 1 });
          assert.equal(r.nextExpectedVersion, 2);
          assert.deepEqual(
            (await store.readStream(s)).map((e) => e.type),
            ['Before', 'After'],
          );
        },
        { pool },
      );
    } finally {
      await pool.end();
    }
  });

  it('an append to a database that is gone fails with PAY_STORE_UNAVAILABLE', async () => {
    const gone = await createTestDatabase('pggone');
    const store = await PostgresEventStore.create({ connectionString: gone.url });
    try {
      await store.append('a', [{ type: 'T', data: {} }]);
      await gone.drop();
      await assert.rejects(
        store.append('a', [{ type: 'T', data: {} }]),
        (e) => e instanceof PaystreamError && e.code === 'PAY_STORE_UNAVAILABLE',
      );
    } finally {
      await store.close();
    }
  });
});
