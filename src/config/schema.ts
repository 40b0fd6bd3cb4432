/**
 * The one configuration schema. Every leaf setting carries its environment variable, a one-line
 * doc and (for secrets) `secret: true` in its zod metadata, so the env binding, `.env.example`,
 * the redaction list and validation all come from this file and cannot drift apart.
 */
import { z } from 'zod';
import { bool, int, setting } from './fields.js';
import { provider, simulator } from './providerSettings.js';

export type { SettingMeta } from './fields.js';

const url = z.string().url();

const server = z
  .object({
    host: setting(z.string().min(1).default('127.0.0.1'), {
      env: 'PAYSTREAM_HOST',
      doc: 'Listen address; 127.0.0.1 by default, 0.0.0.0 only inside a container',
    }),
    port: setting(int(3000, 0, 65535), {
      env: 'PAYSTREAM_PORT',
      doc: 'Listen port (PORT is honoured when this is unset); 0 = ephemeral',
      aliases: ['PORT'],
    }),
    shutdownTimeoutMs: setting(int(10_000, 0), {
      env: 'PAYSTREAM_SHUTDOWN_TIMEOUT_MS',
      doc: 'Bound on graceful shutdown: in-flight requests plus close callbacks',
    }),
  })
  .strict();

const store = z
  .object({
    kind: setting(z.enum(['sqlite', 'postgres']).default('sqlite'), {
      env: 'PAYSTREAM_STORE',
      doc: 'Event store and read models: sqlite | postgres',
    }),
    databaseUrl: setting(url.optional(), {
      env: 'PAYSTREAM_DATABASE_URL',
      doc: 'PostgreSQL URL (required when PAYSTREAM_STORE=postgres)',
      secret: true,
    }),
    sqliteSynchronous: setting(z.enum(['full', 'normal', 'extra', 'off']).default('full'), {
      env: 'PAYSTREAM_SQLITE_SYNCHRONOUS',
      doc: 'SQLite PRAGMA synchronous; full keeps every commit durable',
    }),
    pgSynchronousCommit: setting(z.enum(['on', 'off']).default('on'), {
      env: 'PAYSTREAM_PG_SYNCHRONOUS_COMMIT',
      doc: 'PostgreSQL synchronous_commit; on keeps commits durable',
    }),
    pgPoolMax: setting(int(10, 1, 1000), { env: 'PAYSTREAM_PG_POOL_MAX', doc: 'PostgreSQL pool size' }),
    groupCommitMaxBatch: setting(int(512, 1, 100_000), {
      env: 'PAYSTREAM_GROUP_COMMIT_MAX_BATCH',
      doc: 'Most appends committed together in one transaction',
    }),
  })
  .strict();

const cache = z
  .object({
    kind: setting(z.enum(['memory', 'redis']).default('memory'), {
      env: 'PAYSTREAM_CACHE',
      doc: 'Read-model cache: memory | redis',
    }),
    redisUrl: setting(url.optional(), {
      env: 'PAYSTREAM_REDIS_URL',
      doc: 'Redis URL (required when PAYSTREAM_CACHE=redis)',
      secret: true,
    }),
    ttlSeconds: setting(int(3600, 1), { env: 'PAYSTREAM_CACHE_TTL_SECONDS', doc: 'Cache entry TTL' }),
    prefix: setting(z.string().default('payment_projection_'), {
      env: 'PAYSTREAM_CACHE_PREFIX',
      doc: 'Key prefix of cached payment projections',
    }),
    maxEntries: setting(int(10_000, 1), {
      env: 'PAYSTREAM_CACHE_MAX_ENTRIES',
      doc: 'Most entries of the in-memory cache',
    }),
  })
  .strict();

const api = z
  .object({
    paymentWaitMs: setting(int(5000, 0, 60_000), {
      env: 'PAYSTREAM_PAYMENT_WAIT_MS',
      doc: 'POST /v1/payments waits this long for an outcome (201) before answering 202; 0 = at once',
    }),
    readYourWritesTimeoutMs: setting(int(2000, 0, 60_000), {
      env: 'PAYSTREAM_READ_YOUR_WRITES_TIMEOUT_MS',
      doc: 'Longest wait for the read model to reach a checkpoint',
    }),
  })
  .strict();

const processing = z
  .object({
    snapshotEvery: setting(int(100, 1), {
      env: 'PAYSTREAM_SNAPSHOT_EVERY',
      doc: 'Take a snapshot of a stream every N events',
    }),
    outboxMaxAttempts: setting(int(10, 1, 1000), {
      env: 'PAYSTREAM_OUTBOX_MAX_ATTEMPTS',
      doc: 'Deliveries of an outbox message before it becomes a dead letter',
    }),
    outboxPollIntervalMs: setting(int(200, 1), {
      env: 'PAYSTREAM_OUTBOX_POLL_INTERVAL_MS',
      doc: 'How often the dispatcher looks for due messages',
    }),
    reconcileIntervalMs: setting(int(300_000, 0), {
      env: 'PAYSTREAM_RECONCILE_INTERVAL_MS',
      doc: 'Period of the reconciliation run; 0 = never on a schedule',
    }),
  })
  .strict();

const auth = z
  .object({
    metricsAuth: setting(bool(false), {
      env: 'PAYSTREAM_METRICS_AUTH',
      doc: 'Require an admin API key on GET /metrics',
    }),
    bootstrapKey: setting(bool(true), {
      env: 'PAYSTREAM_BOOTSTRAP_KEY',
      doc: 'On first start with no key, create an admin key and write it to <dataDir>/admin-key',
    }),
  })
  .strict();

const limits = z
  .object({
    bodyLimitBytes: setting(int(65_536, 1, 10 * 1024 * 1024), {
      env: 'PAYSTREAM_BODY_LIMIT_BYTES',
      doc: 'Largest request body (413 above)',
    }),
    rateLimitMax: setting(int(6000, 0), {
      env: 'PAYSTREAM_RATE_LIMIT_MAX',
      doc: 'Requests per API key per window (429 above); 0 = no limit',
    }),
    rateLimitWindowMs: setting(int(60_000, 1), {
      env: 'PAYSTREAM_RATE_LIMIT_WINDOW_MS',
      doc: 'Rate-limit window',
    }),
  })
  .strict();

export const ConfigSchema = z
  .object({
    server: server.prefault({}),
    dataDir: setting(z.string().min(1).default('./data'), {
      env: 'PAYSTREAM_DATA_DIR',
      doc: 'Folder of the SQLite files and the bootstrap admin key',
    }),
    role: setting(z.enum(['all', 'api', 'worker']).default('all'), {
      env: 'PAYSTREAM_ROLE',
      doc: 'all = API and workers; api = HTTP only; worker = projectors, dispatcher, reconciler',
    }),
    store: store.prefault({}),
    cache: cache.prefault({}),
    provider: provider.prefault({}),
    simulator: simulator.prefault({}),
    api: api.prefault({}),
    processing: processing.prefault({}),
    auth: auth.prefault({}),
    limits: limits.prefault({}),
    logLevel: setting(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      {
        env: 'PAYSTREAM_LOG_LEVEL',
        doc: 'pino log level',
      },
    ),
  })
  .strict()
  .superRefine(requireDependents, { when: () => true });

interface Dependents {
  role?: string;
  store?: { kind?: string; databaseUrl?: unknown };
  cache?: { kind?: string; redisUrl?: unknown };
  provider?: { kind?: string; webhookSecret?: unknown; stripe?: { apiKey?: unknown } };
  simulator?: { embedded?: boolean };
}

/** Settings required by another setting's value; runs even when other settings failed, to list them all. */
function requireDependents(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const c = value as Dependents;
  const need = (ok: boolean, path: string[], message: string) => {
    if (!ok) ctx.addIssue({ code: 'custom', path, message, input: undefined });
  };
  need(
    c.store?.kind !== 'postgres' || !!c.store.databaseUrl,
    ['store', 'databaseUrl'],
    'required when store is postgres',
  );
  need(
    c.cache?.kind !== 'redis' || !!c.cache.redisUrl,
    ['cache', 'redisUrl'],
    'required when cache is redis',
  );
  // An API-only process runs no projector: only Redis carries the worker's invalidations to it.
  need(
    c.role !== 'api' || c.cache?.kind === 'redis',
    ['cache', 'kind'],
    'must be redis when role is api (an in-process cache would never be invalidated)',
  );
  // The embedded simulator's state lives in one process: an API replica and a worker would each
  // talk to an empty simulator of their own. Split roles need a standalone `paystream simulator`.
  const embedded = (c.provider?.kind ?? 'simulator') === 'simulator' && c.simulator?.embedded !== false;
  need(
    !embedded || (c.role ?? 'all') === 'all',
    ['simulator', 'embedded'],
    'must be false when role is api or worker (run `paystream simulator` and point PAYSTREAM_STRIPE_HOST/PORT/PROTOCOL at it)',
  );
  const stripe = c.provider?.kind === 'stripe';
  need(!stripe || !!c.provider?.stripe?.apiKey, ['provider', 'stripe', 'apiKey'], 'required with stripe');
  need(!stripe || !!c.provider?.webhookSecret, ['provider', 'webhookSecret'], 'required with stripe');
}

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The validated, deep-frozen configuration. */
export type Config = DeepReadonly<z.output<typeof ConfigSchema>>;
/** What a JSON config file (or a test) may give: any subset, nested like Config. */
export type ConfigInput = z.input<typeof ConfigSchema>;
