import { sqliteInline } from '../../../src/eventsourcing/projections/inline.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import { SqliteProjectionDb } from '../../../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../../../src/eventsourcing/sqlite/migrate.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../../../src/payments/projections/sqlitePaymentsProjection.js';
import { SqlitePaymentQueries } from '../../../src/payments/queries/sqlitePaymentQueries.js';
import { openTempStore } from '../../eventsourcing/sqliteTemp.js';
import { storeIntegrationContract } from './storeIntegrationContract.js';

storeIntegrationContract('SQLite', async () => {
  const { store, cleanup } = openTempStore();
  migrateSqlite(store.db, [projectionRuntimeMigrations('sqlite'), SQLITE_PAYMENT_READ_MODEL_MIGRATIONS]);
  const db = new SqliteProjectionDb(store.db);
  return {
    store,
    db,
    projection: sqlitePaymentsProjection(),
    inline: sqliteInline(store, db),
    queries: (rt) =>
      new SqlitePaymentQueries(store.db, {
        store,
        waitForCheckpoint: (p, cp, t) => rt.waitForCheckpoint(p, cp, t),
      }),
    cleanup,
  };
});
