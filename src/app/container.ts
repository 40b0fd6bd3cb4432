/**
 * The composition root's object graph: config in, every component wired, one start() and one
 * close(). `paystream serve` (src/app/server.ts), the CLI commands and the end-to-end tests all
 * build paystream through this function, so what the tests exercise is what runs.
 */
import { ApiKeys } from '../auth/index.js';
import type { Config } from '../config/schema.js';
import { type Cache, createCache } from '../eventsourcing/cache/index.js';
import { pruneIdempotencyKeys } from '../eventsourcing/idempotency.js';
import { OutboxDispatcher } from '../eventsourcing/outbox/dispatcher.js';
import { startOutboxGauges } from '../eventsourcing/outbox/gauges.js';
import type { ReadinessCheck } from '../http/deps.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createPaymentCommandService } from '../payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../payments/commands/paymentRecorder.js';
import { paymentHandlers } from '../payments/provider/handlers.js';
import { createProviderPolicy, type ProviderPolicy } from '../payments/provider/policy.js';
import { paymentLoader } from '../payments/provider/recording.js';
import { CachedPaymentQueries } from '../payments/queries/cachedPaymentQueries.js';
import type { PaymentCommandService, PaymentQueryService } from '../payments/services.js';
import { type ExtraMigrations, openPersistence, type Persistence } from './persistence.js';
import { type ProviderSetup, setupProvider } from './provider.js';

export interface Container {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  persistence: Persistence;
  cache: Cache;
  commands: PaymentCommandService;
  queries: PaymentQueryService;
  recorder: PaymentRecorder;
  keys: ApiKeys;
  provider: ProviderSetup;
  policy: ProviderPolicy;
  dispatcher: OutboxDispatcher;
  readinessChecks: ReadinessCheck[];
  /** Starts the workers this role runs (projectors, dispatcher, schedules). */
  start(): Promise<void>;
  /** Stops workers at a checkpoint, flushes group commit, closes pools; idempotent. */
  close(): Promise<void>;
}

export interface ContainerOptions {
  logger?: Logger;
  metrics?: Metrics;
  extraMigrations?: ExtraMigrations;
}

const HOUR_MS = 3_600_000;

export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });
  const logger = options.logger ?? createLogger({ level: config.logLevel, base: { role: config.role } });
  const persistence = await openPersistence(config, metrics, options.extraMigrations);
  const { store } = persistence;
  const cache = createCache(config.cache.kind, {
    url: config.cache.redisUrl,
    prefix: config.cache.prefix,
    ttlSeconds: config.cache.ttlSeconds,
    maxEntries: config.cache.maxEntries,
    metrics,
  });
  const cached = new CachedPaymentQueries(persistence.queries, cache, {
    ttlSeconds: config.cache.ttlSeconds,
  });
  persistence.projections.onChange((c) => cached.invalidatePayments(c.paymentIds));
  const commandDeps = { store, snapshots: store, snapshotEvery: config.processing.snapshotEvery };
  const recorder = new PaymentRecorder(commandDeps);
  const provider = await setupProvider(config, metrics);
  const policy = createProviderPolicy({ timeoutMs: config.provider.stripe.timeoutMs }, metrics);
  const dispatcher = new OutboxDispatcher({
    store: persistence.outbox,
    handlers: paymentHandlers({
      provider: provider.provider,
      policy,
      recorder,
      loadPayment: paymentLoader(store, store),
    }),
    maxAttempts: config.processing.outboxMaxAttempts,
    pollIntervalMs: config.processing.outboxPollIntervalMs,
    wakeOn: store,
    logger,
  });
  const readinessChecks: ReadinessCheck[] = [
    async () => {
      await store.head();
      return { name: 'event_store', ok: true };
    },
    async () => policy.readiness(),
  ];
  const stops: Array<() => Promise<void> | void> = [];
  const runsWorkers = config.role !== 'api';
  let closed = false;
  return {
    config,
    logger,
    metrics,
    persistence,
    cache,
    commands: createPaymentCommandService(commandDeps),
    queries: cached,
    recorder,
    keys: new ApiKeys(persistence.keyStore),
    provider,
    policy,
    dispatcher,
    readinessChecks,
    async start() {
      if (!runsWorkers) return;
      await persistence.projections.start();
      stops.push(() => persistence.projections.stop());
      await dispatcher.start();
      stops.push(() => dispatcher.stop());
      stops.push(startOutboxGauges(persistence.outbox, metrics));
      const prune = setInterval(() => {
        pruneIdempotencyKeys(store, new Date()).catch((e) =>
          logger.warn({ err: e }, 'idempotency prune failed'),
        );
      }, HOUR_MS);
      prune.unref();
      stops.push(() => clearInterval(prune));
    },
    async close() {
      if (closed) return;
      closed = true;
      // Workers first (they write), newest first; then the cache, the provider, the store.
      for (const stop of stops.reverse()) await stop();
      cached.dispose();
      await cache.close();
      await provider.close();
      await persistence.close();
    },
  };
}
