import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresOutboxStore } from '../../../src/eventsourcing/outbox/postgresOutboxStore.js';
import { eventStoreMigrations, migratePostgres } from '../../../src/eventsourcing/postgres/migrate.js';
import { outboxStoreContract } from '../../../src/eventsourcing/testing/outboxContract.js';
import { createTestDatabase } from '../../support/pg.js';

// Rows are inserted as the PostgreSQL event store's append inserts them (same columns, DB defaults).
outboxStoreContract('postgres', async () => {
  const db = await createTestDatabase('outbox');
  await migratePostgres(db.pool, [eventStoreMigrations]);
  const pools: pg.Pool[] = [];
  return {
    openStore: (clock) => {
      // Each store gets its own pool so concurrent leases really run on separate connections.
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      // An idle client killed by the final DROP DATABASE must not crash the run.
      pool.on('error', () => {});
      pools.push(pool);
      return new PostgresOutboxStore(pool, clock);
    },
    enqueue: async (streamId, messages) => {
      for (const m of messages) {
        await db.pool.query(
          `INSERT INTO outbox_messages (id, kind, stream_id, dedup_key, payload, available_at)
           VALUES ($1, $2, $3, $4, $5, COALESCE($6, now())) ON CONFLICT (dedup_key) DO NOTHING`,
          [
            m.id ?? randomUUID(),
            m.kind,
            streamId,
            m.dedupKey,
            JSON.stringify(m.payload),
            m.availableAt ?? null,
          ],
        );
      }
    },
    reset: async () => {
      await db.pool.query('TRUNCATE outbox_messages');
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
      await db.drop();
    },
  };
});
