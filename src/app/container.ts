/**
 * The composition root's object graph: config in, every component wired, one start() and one
 * close(). `paystream serve` (src/app/server.ts), the CLI commands and the end-to-end tests all
 * build paystream through this function, so what the tests exercise is what runs.
 */
import { ApiKeys } from '../auth/index.js';
import type { Config } from '../config/schema.js';
import { type Cache, createCache } from '../eventsourcing/cache/index.js';
import { pruneIdempotencyKeys } from '../eventsourcing/idempotency.js';
import type { ReadinessCheck } from '../http/deps.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createPaymentCommandService } from '../payments/commands/paymentCommandService.js';
import type { PaymentRecorder } from '../payments/commands/paymentRecorder.js';
import { createProviderFlow, leaseFor, type ProviderFlow } from '../payments/provider/flow.js';
import type { ProviderPolicyOptions } from '../payments/provider/policy.js';
import { Reconciler } from '../payments/provider/reconciler.js';
import { reconcileSchedule } from '../payments/provider/reconcileSchedule.js';
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
  /** Outbox dispatcher, webhook receiver, resilience policy. */
  flow: ProviderFlow;
  reconciler: Reconciler;
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
  let cache: Cache | undefined;
  try {
    cache = createCache(config.cache.kind, {
      url: config.cache.redisUrl,
      prefix: config.cache.prefix,
      ttlSeconds: config.cache.ttlSeconds,
      maxEntries: config.cache.maxEntries,
      metrics,
    });
    return await assemble(config, metrics, logger, persistence, cache);
  } catch (e) {
    // Nothing may stay open behind a failed start (pools, the SQLite file, Redis connections).
    await cache?.close().catch(() => {});
    await persistence.close().catch(() => {});
    throw e;
  }
}

async function assemble(
  config: Config,
  metrics: Metrics,
  logger: Logger,
  persistence: Persistence,
  cache: Cache,
): Promise<Container> {
  const { store } = persistence;
  const cached = new CachedPaymentQueries(persistence.queries, cache, {
    ttlSeconds: config.cache.ttlSeconds,
  });
  persistence.projections.onChange((c) => cached.invalidatePayments(c.paymentIds));
  const commandDeps = { store, snapshots: store, snapshotEvery: config.processing.snapshotEvery };
  const provider = await setupProvider(config, metrics);
  const flow = createFlow(config, persistence, provider, metrics, logger);
  const reconciler = new Reconciler({
    store,
    outbox: persistence.outbox,
    provider: provider.provider,
    policy: flow.policy,
    recorder: flow.recorder,
    loadPayment: flow.loadPayment,
    metrics,
  });
  const readinessChecks: ReadinessCheck[] = [
    async () => {
      await store.head();
      return { name: 'event_store', ok: true };
    },
    // The breaker state shows here, but an open breaker does not make the instance unready: every
    // instance shares the provider, and commands still commit (their provider work waits in the
    // outbox), so failing readiness would only turn a provider outage into a total one.
    async () => {
      const r = await flow.readiness();
      return {
        name: r.name,
        ok: true,
        detail: r.ok ? r.detail : `${r.detail}: provider work waits in the outbox`,
      };
    },
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
    recorder: flow.recorder,
    keys: new ApiKeys(persistence.keyStore),
    provider,
    flow,
    reconciler,
    readinessChecks,
    async start() {
      if (!runsWorkers) return;
      await persistence.projections.start();
      stops.push(() => persistence.projections.stop());
      await flow.start();
      stops.push(() => flow.stop());
      const schedule = reconcileSchedule(reconciler, {
        intervalMs: config.processing.reconcileIntervalMs,
        metrics,
        logger,
      });
      schedule.start();
      stops.push(() => schedule.stop());
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

/** Event types whose append writes provider work: the dispatcher wakes on these only. */
const WORK_EVENT_TYPES = [
  'PaymentRequested',
  'PaymentCaptureRequested',
  'PaymentCancelRequested',
  'RefundRequested',
];

function createFlow(
  config: Config,
  persistence: Persistence,
  provider: ProviderSetup,
  metrics: Metrics,
  logger: Logger,
): ProviderFlow {
  // The SDK retries one call with the same idempotency key (stripe.maxNetworkRetries); the policy
  // adds jittered retries, a timeout, the breaker and the bulkhead around it; the lease outlives both.
  const policy: ProviderPolicyOptions = { timeoutMs: config.provider.stripe.timeoutMs };
  return createProviderFlow({
    store: persistence.store,
    outbox: persistence.outbox,
    inbox: persistence.inbox,
    provider: provider.provider,
    webhookSecret: provider.webhookSecret ?? '',
    metrics,
    logger,
    policy,
    dispatcher: {
      maxAttempts: config.processing.outboxMaxAttempts,
      pollIntervalMs: config.processing.outboxPollIntervalMs,
      leaseMs: leaseFor(policy),
      wakeOnTypes: WORK_EVENT_TYPES,
    },
  });
}
