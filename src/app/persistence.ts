/**
 * The persistence of one deployment, per database kind: event store, outbox, API keys, the
 * projection runtime with the payment read models, and the direct (uncached) payment queries.
 * SQLite: one file in the data dir holds everything (events, read models, keys), so inline
 * projections and checkpoints share the events' transactions. PostgreSQL: one database, one pool.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import {
  type ApiKeyStore,
  AUTH_POSTGRES_MIGRATIONS,
  AUTH_SQLITE_MIGRATIONS,
  PostgresApiKeyStore,
  SqliteApiKeyStore,
} from '../auth/index.js';
import type { Config } from '../config/schema.js';
import type { EventStore, IdempotencyStore, SnapshotStore } from '../eventsourcing/eventStore.js';
import type { MigrationSet } from '../eventsourcing/migrations.js';
import type { OutboxStore } from '../eventsourcing/outbox/outboxStore.js';
import { PostgresOutboxStore } from '../eventsourcing/outbox/postgresOutboxStore.js';
import { SqliteOutboxStore } from '../eventsourcing/outbox/sqliteOutboxStore.js';
import { PostgresEventStore } from '../eventsourcing/postgres/postgresEventStore.js';
import { PostgresProjectionDb } from '../eventsourcing/projections/postgresProjectionDb.js';
import { projectionRuntimeMigrations } from '../eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../eventsourcing/sqlite/sqliteEventStore.js';
import type { Metrics } from '../observability/metrics.js';
import {
  POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
  postgresPaymentsProjection,
} from '../payments/projections/postgresPaymentsProjection.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../payments/projections/sqlitePaymentsProjection.js';
import { PostgresWebhookInbox, SqliteWebhookInbox } from '../payments/provider/inbox/sqlWebhookInbox.js';
import {
  providerMigrationsPostgres,
  providerMigrationsSqlite,
  type WebhookInbox,
} from '../payments/provider/inbox/webhookInbox.js';
import { PostgresPaymentQueries } from '../payments/queries/postgresPaymentQueries.js';
import { SqlitePaymentQueries } from '../payments/queries/sqlitePaymentQueries.js';
import type { PaymentQueryService } from '../payments/services.js';

export type FullEventStore = EventStore & IdempotencyStore & SnapshotStore;

export interface Persistence {
  kind: 'sqlite' | 'postgres';
  store: FullEventStore;
  outbox: OutboxStore;
  /** Provider webhooks already seen (deduplication by provider event id). */
  inbox: WebhookInbox;
  keyStore: ApiKeyStore;
  // biome-ignore lint/suspicious/noExplicitAny: the transaction type differs per database
  projections: ProjectionRuntime<any>;
  /** Direct reads of the read models (wrap in CachedPaymentQueries to cache). */
  queries: PaymentQueryService;
  /** SQLite connection or PostgreSQL pool, for modules that add their own tables. */
  sqlite?: Database.Database;
  pool?: pg.Pool;
  /** Stops nothing else: callers stop projectors and dispatchers first. */
  close(): Promise<void>;
}

/** Extra migration sets other modules (provider inbox…) register before the persistence opens. */
export interface ExtraMigrations {
  sqlite?: MigrationSet[];
  postgres?: MigrationSet[];
}

export function sqliteFile(config: Config): string {
  return join(resolve(config.dataDir), 'paystream.db');
}

export async function openPersistence(
  config: Config,
  metrics: Metrics,
  extra: ExtraMigrations = {},
): Promise<Persistence> {
  return config.store.kind === 'postgres'
    ? openPostgres(config, metrics, extra.postgres ?? [])
    : openSqlite(config, metrics, extra.sqlite ?? []);
}

function openSqlite(config: Config, metrics: Metrics, extra: MigrationSet[]): Persistence {
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const store = new SqliteEventStore({
    path: sqliteFile(config),
    // 'extra' is stricter than 'full'; the store takes full/normal/off and we keep durability on.
    synchronous: config.store.sqliteSynchronous === 'extra' ? 'full' : config.store.sqliteSynchronous,
    maxBatch: config.store.groupCommitMaxBatch,
    metrics,
  });
  if (config.store.sqliteSynchronous === 'extra') store.db.pragma('synchronous = EXTRA');
  migrateSqlite(store.db, [
    projectionRuntimeMigrations('sqlite'),
    SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
    AUTH_SQLITE_MIGRATIONS,
    providerMigrationsSqlite,
    ...extra,
  ]);
  const pdb = new SqliteProjectionDb(store.db);
  const projections = new ProjectionRuntime({
    store,
    db: pdb,
    projections: [sqlitePaymentsProjection()],
    metrics,
  });
  const queries = new SqlitePaymentQueries(store.db, {
    store,
    waitForCheckpoint: (name, min, ms) => projections.waitForCheckpoint(name, min, ms),
  });
  return {
    kind: 'sqlite',
    store,
    outbox: new SqliteOutboxStore(store.db),
    inbox: new SqliteWebhookInbox(store.db),
    keyStore: new SqliteApiKeyStore(store.db),
    projections,
    queries,
    sqlite: store.db,
    close: () => store.close(),
  };
}

async function openPostgres(config: Config, metrics: Metrics, extra: MigrationSet[]): Promise<Persistence> {
  const store = await PostgresEventStore.create({
    connectionString: config.store.databaseUrl!,
    poolSize: config.store.pgPoolMax,
    synchronousCommit: config.store.pgSynchronousCommit,
    maxBatch: config.store.groupCommitMaxBatch,
    metrics,
    migrations: [
      projectionRuntimeMigrations('postgres'),
      POSTGRES_PAYMENT_READ_MODEL_MIGRATIONS,
      AUTH_POSTGRES_MIGRATIONS,
      providerMigrationsPostgres,
      ...extra,
    ],
  });
  const pool = store.pool;
  const pdb = new PostgresProjectionDb(pool);
  const projections = new ProjectionRuntime({
    store,
    db: pdb,
    projections: [postgresPaymentsProjection()],
    metrics,
  });
  const queries = new PostgresPaymentQueries(pool, {
    store,
    waitForCheckpoint: (name, min, ms) => projections.waitForCheckpoint(name, min, ms),
  });
  return {
    kind: 'postgres',
    store,
    outbox: new PostgresOutboxStore(pool),
    inbox: new PostgresWebhookInbox(pool),
    keyStore: new PostgresApiKeyStore(pool),
    projections,
    queries,
    pool,
    close: () => store.close(),
  };
}
