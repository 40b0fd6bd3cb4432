/**
 * What buildApp needs, and the route-plugin pattern every route group follows.
 *
 * ## Adding a route group (e.g. routes/webhooks.ts, routes/admin.ts)
 *
 * ```ts
 * import { z } from 'zod';
 * import type { RoutePlugin } from '../deps.js';
 * import { problemResponses } from '../schemas/common.js';
 *
 * export const adminRoutes: RoutePlugin = async (app, { deps }) => {
 *   app.get('/v1/admin/outbox', {
 *     config: { scope: 'admin' },              // 'payments:read' | 'payments:write' | 'admin' | 'public'
 *     schema: {
 *       tags: ['admin'],
 *       querystring: z.object({ state: z.enum(['pending', 'dead']).optional() }).strict(),
 *       response: { 200: z.object({ data: z.array(MessageSchema) }), ...problemResponses(401, 403) },
 *     },
 *   }, async (req) => ({ data: await deps.outbox!.list({ state: req.query.state }) }));
 * };
 * ```
 * then register it in app.ts `registerRoutes` (guarded by the dep it needs).
 *  - Every route declares `config.scope`; a route without one requires `admin` (deny by default).
 *  - Schemas are zod 4 (strict objects): they validate, serialize and produce the OpenAPI document.
 *  - Throw PaystreamError subclasses (codes in src/shared/errorCatalog.ts); the error handler
 *    turns them into problem+json. Never build error bodies by hand.
 *  - `config: { rawBody: true }` keeps the exact body text in `req.rawBody` (or, as routes/webhooks.ts
 *    does, replace the JSON parser inside the plugin); use `scope: 'public'` when a signature is the
 *    authentication.
 *  - `req.principal` is the API key (undefined on public routes); `commandContext(req)` (context.ts)
 *    builds the CommandContext (actor, correlation id, Idempotency-Key, If-Match).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiKeys } from '../auth/keys.js';
import type { Config } from '../config/schema.js';
import type { OutboxStore } from '../eventsourcing/outbox/outboxStore.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Reconciler } from '../payments/provider/reconciler.js';
import type { WebhookReceiver } from '../payments/provider/webhookReceiver.js';
import type { PaymentCommandService, PaymentQueryService } from '../payments/services.js';

export interface ReadinessResult {
  name: string;
  ok: boolean;
  detail?: string;
}

/** A readiness probe (event store reachable, provider circuit closed…); must answer quickly. */
export type ReadinessCheck = () => Promise<ReadinessResult>;

export interface AppDeps {
  commands: PaymentCommandService;
  queries: PaymentQueryService;
  keys: ApiKeys;
  metrics: Metrics;
  /** Default: createLogger({ level: config.logLevel }). */
  logger?: Logger;
  /** Run by GET /readyz, each bounded by a timeout; any not ok → 503. */
  readinessChecks?: ReadinessCheck[];
  /** Present → the admin outbox routes (list by state, retry a dead letter) are registered. */
  outbox?: OutboxStore;
  /** Present → POST /webhooks/stripe is registered (routes/webhooks.ts). */
  webhooks?: WebhookReceiver;
  /** Present → the admin reconciliation routes are registered (routes/admin.ts). */
  reconciler?: Reconciler;
  /**
   * Called by startServer's graceful shutdown, in order, after the server stopped taking requests
   * and in-flight ones finished (flush group commit, stop projectors, close pools).
   */
  close?: Array<() => Promise<void>>;
}

export interface RoutePluginOptions {
  deps: AppDeps;
  config: Config;
}

export type RoutePlugin = FastifyPluginAsyncZod<RoutePluginOptions>;
