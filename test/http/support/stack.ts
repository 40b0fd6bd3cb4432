/**
 * The real service stack behind the HTTP tests: SqliteEventStore in a temp dir, the payments read
 * model applied inline, SqlitePaymentQueries, EventSourcedPaymentCommandService, API keys on the
 * same SQLite file, and a logger whose lines are captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ApiKeys, AUTH_SQLITE_MIGRATIONS, type Scope, SqliteApiKeyStore } from '../../../src/auth/index.js';
import { type ConfigInput, loadConfig } from '../../../src/config/index.js';
import { SqliteOutboxStore } from '../../../src/eventsourcing/outbox/sqliteOutboxStore.js';
import { sqliteInline } from '../../../src/eventsourcing/projections/inline.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../../../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../../../src/eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../../../src/eventsourcing/sqlite/sqliteEventStore.js';
import { buildApp } from '../../../src/http/app.js';
import type { AppDeps, RoutePlugin } from '../../../src/http/deps.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import { EventSourcedPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../../../src/payments/commands/paymentRecorder.js';
import { PAYMENTS_PROJECTION } from '../../../src/payments/projections/paymentFold.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../../../src/payments/projections/sqlitePaymentsProjection.js';
import { SqlitePaymentQueries } from '../../../src/payments/queries/sqlitePaymentQueries.js';
import type { PaymentCommandService } from '../../../src/payments/services.js';

export interface Stack {
  app: Awaited<ReturnType<typeof buildApp>>;
  deps: AppDeps;
  metrics: Metrics;
  keys: ApiKeys;
  recorder: PaymentRecorder;
  /** Bearer keys by scope. */
  key: Record<'admin' | 'write' | 'read', string>;
  /** Log lines written so far (raw JSON text). */
  logs: string[];
  close(): Promise<void>;
}

export interface StackOptions {
  config?: ConfigInput;
  /** Replace or add deps (readiness checks, close callbacks…). */
  deps?: Partial<AppDeps>;
  /** deps.outbox = SqliteOutboxStore on the store's file (the admin outbox routes appear). */
  withOutbox?: boolean;
  /** Extra route plugins registered before the app is ready (route-plugin pattern tests). */
  plugins?: RoutePlugin[];
  /** 'inline' (default: the read model is written in the append) or 'async' (a projector follows). */
  projection?: 'inline' | 'async';
  /** Wraps the real command service (e.g. to stand in for the provider flow). */
  wrapCommands?: (inner: PaymentCommandService, recorder: PaymentRecorder) => PaymentCommandService;
}

export async function createStack(options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-http-'));
  const store = new SqliteEventStore({ path: join(dir, 'paystream.db') });
  migrateSqlite(store.db, [
    projectionRuntimeMigrations('sqlite'),
    SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
    AUTH_SQLITE_MIGRATIONS,
  ]);
  const pdb = new SqliteProjectionDb(store.db);
  const runtime = new ProjectionRuntime({
    store,
    db: pdb,
    projections: [sqlitePaymentsProjection()],
    ...(options.projection !== 'async' && {
      inline: { names: [PAYMENTS_PROJECTION], install: sqliteInline(store, pdb) },
    }),
  });
  await runtime.start();
  const queries = new SqlitePaymentQueries(store.db, {
    store,
    waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
  });
  const commandDeps = { store, snapshots: store };
  const keys = new ApiKeys(new SqliteApiKeyStore(store.db));
  const key = {
    admin: (await keys.createKey({ scopes: ['admin'], name: 'admin' })).key,
    write: (await keys.createKey({ scopes: ['payments:write'], name: 'writer' })).key,
    read: (await keys.createKey({ scopes: ['payments:read'] as Scope[], name: 'reader' })).key,
  };
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const metrics = createMetrics();
  const recorder = new PaymentRecorder(commandDeps);
  const real = new EventSourcedPaymentCommandService(commandDeps);
  const deps: AppDeps = {
    commands: options.wrapCommands ? options.wrapCommands(real, recorder) : real,
    queries,
    keys,
    metrics,
    logger: createLogger({ level: 'info', destination }),
    ...(options.withOutbox && { outbox: new SqliteOutboxStore(store.db) }),
    ...options.deps,
  };
  const config = loadConfig({ env: {}, overrides: { api: { paymentWaitMs: 0 }, ...options.config } });
  const app = await buildApp(deps, config);
  for (const plugin of options.plugins ?? []) await app.register(plugin, { deps, config });
  await app.ready();
  return {
    app,
    deps,
    metrics,
    keys,
    recorder,
    key,
    logs,
    async close() {
      await app.close();
      await runtime.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

export const SYSTEM = { actor: 'system:test', correlationId: 'test' };
