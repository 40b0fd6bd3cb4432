import pg from 'pg';
import { PostgresOutboxStore } from '../../../src/eventsourcing/outbox/postgresOutboxStore.js';
import { PostgresEventStore } from '../../../src/eventsourcing/postgres/postgresEventStore.js';
import { outboxStoreContract } from '../../../src/eventsourcing/testing/outboxContract.js';
import { createTestDatabase } from '../../support/pg.js';

// Rows are written by the PostgreSQL event store's append, as in production.
outboxStoreContract('postgres', async () => {
  const db = await createTestDatabase('outbox');
  const es = await PostgresEventStore.create({ connectionString: db.url, poolSize: 4 });
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
      await es.append(streamId, [{ type: 'Asked', data: {} }], { outbox: messages });
    },
    reset: async () => {
      await db.pool.query('TRUNCATE outbox_messages');
    },
    close: async () => {
      await es.close();
      await Promise.all(pools.map((p) => p.end()));
      await db.drop();
    },
  };
});
