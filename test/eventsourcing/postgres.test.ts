/**
 * PostgresEventStore against real PostgreSQL: the shared conformance suites and the concurrency
 * property, on one throwaway database for this file.
 */
import { after, before, describe, it } from 'node:test';
import { PostgresEventStore } from '../../src/eventsourcing/postgres/postgresEventStore.js';
import { checkConcurrencyProperty } from '../../src/eventsourcing/testing/concurrencyProperty.js';
import {
  eventStoreContract,
  snapshotStoreContract,
} from '../../src/eventsourcing/testing/eventStoreContract.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('pgcontract');
  // DROP DATABASE … WITH FORCE may reach a connection the pool is still closing.
  db.pool.on('error', () => {});
});
after(() => db.drop());

async function open() {
  const store = await PostgresEventStore.create({ pool: db.pool, pollIntervalMs: 50 });
  return { store, cleanup: () => store.close() };
}

eventStoreContract('postgres', async () => {
  const { store, cleanup } = await open();
  return {
    store,
    cleanup,
    readOutbox: async () =>
      (
        await db.pool.query<{ dedupKey: string; kind: string; streamId: string }>(
          'SELECT dedup_key AS "dedupKey", kind, stream_id AS "streamId" FROM outbox_messages',
        )
      ).rows,
  };
});

snapshotStoreContract('postgres', open);

describe('concurrent writers with retry on conflict lose nothing and duplicate nothing', () => {
  it('postgres (group commit)', () => checkConcurrencyProperty(open, { numRuns: 20 }));
});
