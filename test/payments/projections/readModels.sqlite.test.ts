import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../../../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../../../src/eventsourcing/sqlite/migrate.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../../../src/payments/projections/sqlitePaymentsProjection.js';
import { SqlitePaymentQueries } from '../../../src/payments/queries/sqlitePaymentQueries.js';
import { readModelContract } from './readModelContract.js';

readModelContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-rm-'));
  const open: Array<() => Promise<void>> = [];
  let n = 0;
  return {
    propertyRuns: 25,
    async fresh(batchSize) {
      const db = new Database(join(dir, `read-${n++}.db`));
      db.pragma('journal_mode = WAL');
      migrateSqlite(db, [projectionRuntimeMigrations('sqlite'), SQLITE_PAYMENT_READ_MODEL_MIGRATIONS]);
      const store = new MemoryEventStore();
      const runtime = new ProjectionRuntime({
        store,
        db: new SqliteProjectionDb(db),
        projections: [sqlitePaymentsProjection()],
        batchSize,
      });
      const queries = new SqlitePaymentQueries(db, {
        store,
        waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
      });
      open.push(async () => {
        await runtime.stop();
        await store.close();
        db.close();
      });
      return { store, runtime, queries };
    },
    async cleanup() {
      for (const close of open) await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
