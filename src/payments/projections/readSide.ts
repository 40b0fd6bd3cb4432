/**
 * Wiring of the payment read side for the composition root and the CLI: migrations, the
 * projection runtime (async or inline) and the query service, on the event store's own database.
 *
 *   const rs = sqlitePaymentReadSide(store, { metrics });
 *   await rs.runtime.start();                       // serve: projector running
 *   rs.runtime.onChange(cached.onProjectionChange); // cache invalidation (payment ids per batch)
 *   await projectionsStatus(rs.runtime);            // CLI: status
 *   await rebuildProjection(rs.runtime, 'all', { onProgress: bar.update }); // CLI: rebuild
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { EventStore } from '../../eventsourcing/eventStore.js';
import { migratePostgres } from '../../eventsourcing/postgres/migrate.js';
import {
  type PostgresHookHost,
  postgresInline,
  type SqliteHookHost,
  sqliteInline,
} from '../../eventsourcing/projections/inline.js';
import { type PgTx, PostgresProjectionDb } from '../../eventsourcing/projections/postgresProjectionDb.js';
import { projectionRuntimeMigrations } from '../../eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../../eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../../eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../../eventsourcing/sqlite/migrate.js';
import type { Metrics } from '../../observability/metrics.js';
import { PostgresPaymentQueries } from '../queries/postgresPaymentQueries.js';
import { SqlitePaymentQueries } from '../queries/sqlitePaymentQueries.js';
import { PAYMENTS_PROJECTION } from './paymentFold.js';
import {
  POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  postgresPaymentsProjection,
} from './postgresPaymentsProjection.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from './sqlitePaymentsProjection.js';

export interface ReadSideOptions {
  metrics?: Metrics;
  /** Apply the payments projection in the append transaction instead of by a subscription. */
  inline?: boolean;
  /** Events per live batch; default 500. */
  batchSize?: number;
}

export interface PaymentReadSide<Tx, Q> {
  runtime: ProjectionRuntime<Tx>;
  queries: Q;
}

type SqliteStore = EventStore & SqliteHookHost & { db: Database.Database };

/** Runs the read-model migrations on the store's database (idempotent). */
export function sqlitePaymentReadSide(
  store: SqliteStore,
  options: ReadSideOptions = {},
): PaymentReadSide<Database.Database, SqlitePaymentQueries> {
  migrateSqlite(store.db, [projectionRuntimeMigrations('sqlite'), SQLITE_PAYMENT_READ_MODEL_MIGRATIONS]);
  const db = new SqliteProjectionDb(store.db);
  const runtime = new ProjectionRuntime({
    store,
    db,
    projections: [sqlitePaymentsProjection()],
    metrics: options.metrics,
    batchSize: options.batchSize,
    inline: options.inline ? { names: [PAYMENTS_PROJECTION], install: sqliteInline(store, db) } : undefined,
  });
  const queries = new SqlitePaymentQueries(store.db, {
    store,
    waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
  });
  return { runtime, queries };
}

/** Runs the read-model migrations through `pool` (the event store's database). */
export async function postgresPaymentReadSide(
  store: EventStore & PostgresHookHost,
  pool: pg.Pool,
  options: ReadSideOptions = {},
): Promise<PaymentReadSide<PgTx, PostgresPaymentQueries>> {
  await migratePostgres(pool, [
    projectionRuntimeMigrations('postgres'),
    POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  ]);
  const db = new PostgresProjectionDb(pool);
  const runtime = new ProjectionRuntime({
    store,
    db,
    projections: [postgresPaymentsProjection()],
    metrics: options.metrics,
    batchSize: options.batchSize,
    inline: options.inline ? { names: [PAYMENTS_PROJECTION], install: postgresInline(store, db) } : undefined,
  });
  const queries = new PostgresPaymentQueries(pool, {
    store,
    waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
  });
  return { runtime, queries };
}
