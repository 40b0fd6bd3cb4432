/**
 * The server side of bench/http.ts, run in its own process so the load generator never shares its
 * event loop. `hello`: a bare Fastify hello-world (the baseline). `paystream`: buildApp over the
 * real stack — SqliteEventStore (synchronous FULL, group commit), the payments read model (projector
 * following the log, or inline in the append), SqlitePaymentQueries behind CachedPaymentQueries (memory), API keys on SQLite, auth,
 * rate limit, one pino line per request (to /dev/null), metrics.
 * No outbox dispatcher, simulator or reconciler: the provider flow is worker work (bench/http.ts).
 * Usage: httpServer.ts hello | paystream [logLevel] [async|inline]
 * Prints one JSON line when listening: { url, key?, paymentId? }; on SIGUSR2 one line { user, system }
 * (CPU us so far); exits on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { ApiKeys, AUTH_SQLITE_MIGRATIONS, SqliteApiKeyStore } from '../src/auth/index.js';
import { loadConfig } from '../src/config/index.js';
import { MemoryCache } from '../src/eventsourcing/cache/index.js';
import { sqliteInline } from '../src/eventsourcing/projections/inline.js';
import { projectionRuntimeMigrations } from '../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../src/eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../src/eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../src/eventsourcing/sqlite/sqliteEventStore.js';
import { buildApp } from '../src/http/app.js';
import { startServer } from '../src/http/server.js';
import { createLogger, type LogLevel } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { EventSourcedPaymentCommandService } from '../src/payments/commands/paymentCommandService.js';
import { PAYMENTS_PROJECTION } from '../src/payments/projections/paymentFold.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../src/payments/projections/sqlitePaymentsProjection.js';
import { CachedPaymentQueries } from '../src/payments/queries/cachedPaymentQueries.js';
import { SqlitePaymentQueries } from '../src/payments/queries/sqlitePaymentQueries.js';

const kind = process.argv[2] ?? 'hello';
const logLevel = (process.argv[3] ?? 'info') as LogLevel;
/**
 * 'async' (default, as the production container runs it): the projector follows the log in
 * batches and reads wait for its checkpoint; 'inline': applied in the append's transaction.
 */
const projection = process.argv[4] === 'inline' ? 'inline' : 'async';

function ready(info: Record<string, unknown>, stop: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
  // SIGUSR2: print this process's CPU time (all its threads, in us), so the bench can report CPU
  // per request, which a loaded machine disturbs far less than req/s.
  process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`));
  process.once('SIGTERM', () => {
    void stop().finally(() => process.exit(0));
  });
}

async function hello(): Promise<void> {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  ready({ url: `http://127.0.0.1:${port}` }, () => app.close());
}

async function paystream(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-bench-http-'));
  const metrics = createMetrics();
  const store = new SqliteEventStore({ path: join(dir, 'paystream.db'), synchronous: 'full', metrics });
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
    ...(projection === 'inline' && {
      inline: { names: [PAYMENTS_PROJECTION], install: sqliteInline(store, pdb) },
    }),
  });
  await runtime.start();
  const sql = new SqlitePaymentQueries(store.db, {
    store,
    waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
  });
  const queries = new CachedPaymentQueries(sql, new MemoryCache({ metrics }));
  runtime.onChange(queries.onProjectionChange);
  const keys = new ApiKeys(new SqliteApiKeyStore(store.db));
  const { key } = await keys.createKey({ scopes: ['payments:write'], name: 'bench' });
  const config = loadConfig({
    env: {},
    overrides: {
      server: { host: '127.0.0.1', port: 0 },
      api: { paymentWaitMs: 0 },
      limits: { rateLimitMax: 1_000_000_000 },
      logLevel,
    },
  });
  const logger = createLogger({
    level: logLevel,
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const deps = {
    commands: new EventSourcedPaymentCommandService({ store, snapshots: store }),
    queries,
    keys,
    metrics,
    logger,
  };
  const app = await buildApp(deps, config);
  const server = await startServer(app, config);
  const created = await app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${key}` },
    payload: { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa' },
  });
  ready({ url: server.url, key, paymentId: created.json().id }, async () => {
    await server.shutdown();
    await runtime.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

await (kind === 'paystream' ? paystream() : hello());
