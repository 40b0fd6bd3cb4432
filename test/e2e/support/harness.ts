/**
 * The whole service on loopback for end-to-end tests: SqliteEventStore (temp dir) with the payments
 * read model applied inline, SqlitePaymentQueries, the command service, the HTTP app listening on
 * 127.0.0.1, the in-process simulator (StripeProvider through the official SDK) sending signed
 * webhooks to POST /webhooks/stripe, and the provider flow (dispatcher, inbox, reconciler).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeys, AUTH_SQLITE_MIGRATIONS, SqliteApiKeyStore } from '../../../src/auth/index.js';
import { type ConfigInput, loadConfig } from '../../../src/config/index.js';
import { SqliteOutboxStore } from '../../../src/eventsourcing/outbox/sqliteOutboxStore.js';
import { sqliteInline } from '../../../src/eventsourcing/projections/inline.js';
import { projectionRuntimeMigrations } from '../../../src/eventsourcing/projections/projection.js';
import { ProjectionRuntime } from '../../../src/eventsourcing/projections/runtime.js';
import { SqliteProjectionDb } from '../../../src/eventsourcing/projections/sqliteProjectionDb.js';
import { migrateSqlite } from '../../../src/eventsourcing/sqlite/migrate.js';
import { SqliteEventStore } from '../../../src/eventsourcing/sqlite/sqliteEventStore.js';
import { buildApp } from '../../../src/http/app.js';
import type { AppDeps } from '../../../src/http/deps.js';
import { adminRoutes } from '../../../src/http/routes/admin.js';
import { webhookRoutes } from '../../../src/http/routes/webhooks.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { EventSourcedPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PAYMENTS_PROJECTION } from '../../../src/payments/projections/paymentFold.js';
import {
  SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
  sqlitePaymentsProjection,
} from '../../../src/payments/projections/sqlitePaymentsProjection.js';
import { createProviderFlow, type ProviderFlowOptions } from '../../../src/payments/provider/flow.js';
import { SqliteWebhookInbox } from '../../../src/payments/provider/inbox/sqlWebhookInbox.js';
import { providerMigrationsSqlite } from '../../../src/payments/provider/inbox/webhookInbox.js';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import { Reconciler } from '../../../src/payments/provider/reconciler.js';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { SqlitePaymentQueries } from '../../../src/payments/queries/sqlitePaymentQueries.js';
import { type FaultOptions, startSimulator, type WebhookRetryOptions } from '../../../src/simulator/index.js';

export const WEBHOOK_SECRET = 'whsec_e2e_secret_never_logged';
const SK = 'sk_test_e2e';

export interface HarnessOptions {
  faults?: FaultOptions;
  config?: ConfigInput;
  policy?: ProviderFlowOptions['policy'];
  dispatcher?: ProviderFlowOptions['dispatcher'];
  providerTimeoutMs?: number;
  webhookRetry?: Partial<WebhookRetryOptions>;
  /** Wraps the provider the dispatcher and webhooks use (the reconciler gets the plain one). */
  wrapProvider?: (p: PaymentProvider) => PaymentProvider;
}

export async function startHarness(o: HarnessOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'paystream-e2e-'));
  const store = new SqliteEventStore({
    path: join(dir, 'paystream.db'),
    synchronous: 'normal',
    pollIntervalMs: 50,
  });
  migrateSqlite(store.db, [
    projectionRuntimeMigrations('sqlite'),
    SQLITE_PAYMENT_READ_MODEL_MIGRATIONS,
    AUTH_SQLITE_MIGRATIONS,
    providerMigrationsSqlite,
  ]);
  const pdb = new SqliteProjectionDb(store.db);
  const runtime = new ProjectionRuntime({
    store,
    db: pdb,
    projections: [sqlitePaymentsProjection()],
    inline: { names: [PAYMENTS_PROJECTION], install: sqliteInline(store, pdb) },
  });
  await runtime.start();
  const queries = new SqlitePaymentQueries(store.db, {
    store,
    waitForCheckpoint: (p, cp, t) => runtime.waitForCheckpoint(p, cp, t),
  });
  const commands = new EventSourcedPaymentCommandService({ store, snapshots: store });
  const keys = new ApiKeys(new SqliteApiKeyStore(store.db));
  const key = {
    admin: (await keys.createKey({ scopes: ['admin'], name: 'admin' })).key,
    write: (await keys.createKey({ scopes: ['payments:write', 'payments:read'], name: 'writer' })).key,
  };
  const metrics = createMetrics();
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => logs.push(s) } });
  const sim = await startSimulator({
    apiKey: SK,
    ...(o.faults ? { faults: o.faults } : {}),
    ...(o.webhookRetry ? { webhookRetry: o.webhookRetry } : {}),
  });
  const provider = new StripeProvider({
    apiKey: SK,
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    timeoutMs: o.providerTimeoutMs ?? 2_000,
    metrics,
  });
  const outbox = new SqliteOutboxStore(store.db);
  const flow = createProviderFlow({
    store,
    outbox,
    inbox: new SqliteWebhookInbox(store.db),
    provider: o.wrapProvider ? o.wrapProvider(provider) : provider,
    webhookSecret: WEBHOOK_SECRET,
    metrics,
    logger,
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
  });
  const reconciler = new Reconciler({
    store,
    outbox,
    provider,
    policy: flow.policy,
    recorder: flow.recorder,
    loadPayment: flow.loadPayment,
    metrics,
  });
  const deps: AppDeps = {
    commands,
    queries,
    keys,
    metrics,
    logger,
    webhooks: flow.webhooks,
    outbox,
    reconciler,
    readinessChecks: [flow.readiness],
  };
  const config = loadConfig({ env: {}, overrides: { limits: { rateLimitMax: 0 }, ...o.config } });
  const app = await buildApp(deps, config);
  // Until app.ts registers the provider-flow plugins itself.
  if (!app.hasRoute({ method: 'POST', url: '/webhooks/stripe' }))
    await app.register(webhookRoutes, { deps, config });
  if (!app.hasRoute({ method: 'GET', url: '/v1/outbox' })) await app.register(adminRoutes, { deps, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  sim.addWebhookEndpoint({ url: `http://127.0.0.1:${port}/webhooks/stripe`, secret: WEBHOOK_SECRET });
  await flow.start();
  return {
    app,
    store,
    queries,
    commands,
    sim,
    provider,
    flow,
    outbox,
    reconciler,
    metrics,
    logs,
    key,
    async close() {
      await sim.close();
      await flow.stop();
      // Webhook deliveries keep connections alive; the server would wait for them to time out.
      app.server.closeAllConnections();
      await app.close();
      await runtime.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(100, delay * 2)) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
