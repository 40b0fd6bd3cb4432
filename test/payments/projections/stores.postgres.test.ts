import { PostgresEventStore } from '../../../src/eventsourcing/postgres/postgresEventStore.js';
import { postgresInline } from '../../../src/eventsourcing/projections/inline.js';
import { PostgresProjectionDb } from '../../../src/eventsourcing/projections/postgresProjectionDb.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import {
  POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  postgresPaymentsProjection,
} from '../../../src/payments/projections/postgresPaymentsProjection.js';
import { PostgresPaymentQueries } from '../../../src/payments/queries/postgresPaymentQueries.js';
import { createTestDatabase } from '../../support/pg.js';
import { storeIntegrationContract } from './storeIntegrationContract.js';

storeIntegrationContract('PostgreSQL', async () => {
  const tdb = await createTestDatabase('projstores');
  const store = await PostgresEventStore.create({
    pool: tdb.pool,
    migrations: [projectionRuntimeMigrations('postgres'), POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS],
  });
  const db = new PostgresProjectionDb(tdb.pool);
  return {
    store,
    db,
    projection: postgresPaymentsProjection(),
    inline: postgresInline(store, db),
    queries: (rt) =>
      new PostgresPaymentQueries(tdb.pool, {
        store,
        waitForCheckpoint: (p, cp, t) => rt.waitForCheckpoint(p, cp, t),
      }),
    async cleanup() {
      await store.close();
      await tdb.drop();
    },
  };
});
