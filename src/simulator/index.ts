/**
 * A stateful, Stripe-compatible provider simulator: the official SDK pointed at it
 * (`new Stripe(key, { host, port, protocol: 'http' })`) works unchanged. See docs/simulator.md.
 */
import { EventEmitter } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  addEndpoint,
  type IntentTruth,
  intentTruth,
  registerAdminRoutes,
  type SimSnapshot,
  snapshot,
} from './admin.js';
import { type Deferrer, makeContext } from './context.js';
import { SimError } from './errors.js';
import { type FaultConfig, FaultInjector, type FaultOptions } from './faults.js';
import { decodeForm } from './form.js';
import { IdempotencyGuard } from './idempotency.js';
import type { WireEvent } from './objects.js';
import { registerApiRoutes } from './routes.js';
import { SimState, type WebhookEndpoint } from './state.js';
import { DEFAULT_WEBHOOK_RETRY, WebhookDispatcher, type WebhookRetryOptions } from './webhooks.js';

export type { IntentTruth, SimSnapshot } from './admin.js';
export type { FaultConfig, FaultOptions } from './faults.js';
export { signatureHeader } from './signature.js';
export type { WebhookEndpoint } from './state.js';
export type { DeliveryAttempt, WebhookRetryOptions } from './webhooks.js';

export interface WebhookEndpointInput {
  url: string;
  /** `whsec_…`; generated when absent. */
  secret?: string;
  enabledEvents?: string[];
}

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The one accepted secret key; by default any `sk_test_…` key is accepted. */
  apiKey?: string;
  /** Keeps state in this SQLite file so it survives a restart; in memory when absent. */
  sqlitePath?: string;
  faults?: FaultOptions;
  webhookEndpoints?: WebhookEndpointInput[];
  webhookRetry?: Partial<WebhookRetryOptions>;
  /** Unix milliseconds; tests may pin time. */
  clock?: () => number;
  /** Delay before asynchronous transitions (a pm_card_refundFail refund failing). Default 1000 ms. */
  asyncDelayMs?: number;
}

export interface Simulator {
  url: string;
  host: string;
  port: number;
  state: SimState;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  /** Emits 'event' with each Stripe Event as it is created: tests wait on it instead of polling. */
  feed: EventEmitter;
  snapshot(): SimSnapshot;
  intent(id: string): IntentTruth | undefined;
  /** How many times money was taken for this intent (0 or 1 unless something went wrong). */
  capturesOf(id: string): number;
  configureFaults(options: FaultOptions, reset?: boolean): FaultConfig;
  addWebhookEndpoint(input: WebhookEndpointInput): WebhookEndpoint;
  close(): Promise<void>;
}

function buildApp(): FastifyInstance {
  // No request logging: Authorization headers carry secret keys.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, decodeForm(body as string));
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new SimError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${req.method}: ${req.url.split('?')[0]}).`,
    });
    reply.code(404).send({ error: err.body });
  });
  return app;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const nowMs = options.clock ?? Date.now;
  const state = new SimState(options.sqlitePath ? { sqlitePath: options.sqlitePath } : {});
  const faults = new FaultInjector(options.faults);
  const webhooks = new WebhookDispatcher(
    state,
    faults,
    { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry },
    nowMs,
  );
  const idempotency = new IdempotencyGuard(state, nowMs);
  // A restored SQLite state already has them: adding again would deliver every event twice.
  const known = new Set(state.endpoints.newestFirst().map((e) => e.url));
  for (const e of options.webhookEndpoints ?? []) if (!known.has(e.url)) addEndpoint(state, e);
  const app = buildApp();
  const feed = new EventEmitter();
  const onEvent = (event: WireEvent) => {
    const pending = webhooks.enqueue(event);
    feed.emit('event', event);
    return pending;
  };
  const timers = new Set<NodeJS.Timeout>();
  const defer: Deferrer = (fn) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn(makeContext(state, nowMs, { id: null, idempotencyKey: null }, onEvent, defer));
    }, options.asyncDelayMs ?? 1000);
    timers.add(t);
  };
  registerApiRoutes(app, { state, faults, idempotency, nowMs, onEvent, defer, apiKey: options.apiKey });
  registerAdminRoutes(app, { state, faults, webhooks });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (e) {
    state.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    state,
    faults,
    webhooks,
    feed,
    snapshot: () => snapshot(state),
    intent: (id) => intentTruth(state, id),
    capturesOf: (id) => state.intents.get(id)?.captures ?? 0,
    configureFaults: (o, reset = false) => faults.configure(o, reset),
    addWebhookEndpoint: (input) => addEndpoint(state, input),
    async close() {
      for (const t of timers) clearTimeout(t);
      webhooks.close();
      await app.close();
      state.close();
    },
  };
}

/** What `paystream simulator --port N --host H` calls: runs until SIGINT/SIGTERM. */
export async function runSimulator(
  options: SimulatorOptions & { port: number; host: string },
): Promise<Simulator> {
  const sim = await startSimulator(options);
  process.stdout.write(`stripe simulator listening on ${sim.url}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}
