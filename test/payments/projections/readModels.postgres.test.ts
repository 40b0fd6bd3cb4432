import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { migratePostgres } from '../../../src/eventsourcing/postgres/migrate.js';
import { PostgresProjectionDb } from '../../../src/eventsourcing/projections/postgresProjectionDb.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import {
  POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  postgresPaymentsProjection,
} from '../../../src/payments/projections/postgresPaymentsProjection.js';
import { PostgresPaymentQueries } from '../../../src/payments/queries/postgresPaymentQueries.js';
import { createTestDatabase } from '../../support/pg.js';
import { readModelContract } from './readModelContract.js';

readModelContract('postgres', async () => {
  const tdb = await createTestDatabase('readmodels');
  await migratePostgres(tdb.pool, [
    projectionRuntimeMigrations('postgres'),
    POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  ]);
  let current: { runtime: ProjectionRuntime<unknown>; store: MemoryEventStore } | undefined;
  const closeCurrent = async () => {
    await current?.runtime.stop();
    await current?.store.close();
    current = undefined;
  };
  return {
    propertyRuns: 12,
    async fresh(batchSize) {
      // One database for the whole file: empty it rather than create one per property run.
      await closeCurrent();
      await tdb.pool.query(
        'TRUNCATE payment_details, payment_dashboard, payment_timeseries; DELETE FROM projection_checkpoints',
      );
      const store = new MemoryEventStore();
      const runtime = new ProjectionRuntime({
        store,
        db: new PostgresProjectionDb(tdb.pool),
        projections: [postgresPaymentsProjection()],
        batchSize,
      });
      current = { runtime: runtime as ProjectionRuntime<unknown>, store };
      const queries = new PostgresPaymentQueries(tdb.pool, {
        store,
        waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
      });
      return { store, runtime, queries };
    },
    async cleanup() {
      await closeCurrent();
      await tdb.drop();
    },
  };
});
