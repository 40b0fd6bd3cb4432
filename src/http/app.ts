/**
 * buildApp(deps, config): the Fastify application, ready for `inject()` or `listen()` (see
 * server.ts startServer). It never listens by itself.
 *
 * Order matters: the hooks that see every request (request id and log line, 404/405 table, auth,
 * body parsing, rate limit) are added before any route, so every route, including the ones of
 * plugins registered later (webhooks, admin), goes through them.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config/schema.js';
import { createLogger } from '../observability/logger.js';
import { requestIdFrom } from './context.js';
import type { AppDeps, RoutePluginOptions } from './deps.js';
import { markPublicRoutes, registerAuth } from './plugins/auth.js';
import { registerJsonBody } from './plugins/body.js';
import { registerDocs } from './plugins/docs.js';
import { registerRateLimit } from './plugins/rateLimit.js';
import { registerRequestLog } from './plugins/requestLog.js';
import { registerRouting } from './plugins/routing.js';
import { errorHandler, mapError, sendProblem } from './problem.js';
import { adminRoutes } from './routes/admin.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { opsRoutes } from './routes/ops.js';
import { paymentReadRoutes } from './routes/paymentReads.js';
import { paymentCommandRoutes } from './routes/payments.js';
import { webhookRoutes } from './routes/webhooks.js';
import { zodResponseSerializer } from './serializer.js';

export type LifecycleStatus = 'starting' | 'ready' | 'stopping';

declare module 'fastify' {
  interface FastifyInstance {
    /** Readiness: 'ready' between app.ready() and the start of close(). */
    lifecycle: { status: LifecycleStatus };
    /** Aborted when shutdown begins: long waits (payment outcome) answer at once. */
    shutdownSignal: AbortSignal;
  }
}

export type App = FastifyInstance;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function registerLifecycle(app: FastifyInstance, close: AppDeps['close']): void {
  const shutdown = new AbortController();
  app.decorate('lifecycle', { status: 'starting' as LifecycleStatus });
  app.decorate('shutdownSignal', shutdown.signal);
  app.addHook('onReady', async () => {
    app.lifecycle.status = 'ready';
  });
  app.addHook('preClose', async () => {
    app.lifecycle.status = 'stopping';
    shutdown.abort();
    // Requests in flight answer on keep-alive connections, which would then hold the server
    // open; a tiny keep-alive timeout closes each right after its last answer.
    app.server.keepAliveTimeout = 1;
  });
  // onClose runs once the server has stopped and the requests in flight are done.
  app.addHook('onClose', async () => {
    for (const fn of close ?? []) {
      try {
        await fn();
      } catch (err) {
        app.log.error({ err }, 'close callback failed');
      }
    }
  });
}

/**
 * Builds the application. `deps` are the services (see AppDeps); `config` the loaded Config.
 * Await it, then `app.inject(...)` in tests or `startServer(app, config)` to serve.
 */
export async function buildApp(deps: AppDeps, config: Config): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = deps.logger ?? createLogger({ level: config.logLevel });
  const app = Fastify({
    loggerInstance: logger,
    // Our own single line per request (plugins/requestLog.ts) replaces Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: requestIdFrom,
    requestIdHeader: false,
    bodyLimit: config.limits.bodyLimitBytes,
    // Router-level failures (bad URL encoding, over-long path segment) get problem+json too.
    frameworkErrors: (err, req, reply) => sendProblem(reply, mapError(err, req)),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(zodResponseSerializer);
  app.setErrorHandler(errorHandler);
  registerLifecycle(app, deps.close);
  registerRequestLog(app, deps.metrics);
  registerRouting(app);
  markPublicRoutes(app, (url) => url === '/docs' || url.startsWith('/docs/'));
  registerAuth(app, { keys: deps.keys, metricsAuth: config.auth.metricsAuth });
  registerJsonBody(app);
  // Per API key; the limit of 0 turns it off.
  if (config.limits.rateLimitMax > 0) {
    await registerRateLimit(app, {
      max: config.limits.rateLimitMax,
      windowMs: config.limits.rateLimitWindowMs,
    });
  }
  await registerDocs(app, packageVersion());
  await registerRoutes(app, { deps, config });
  return app;
}

async function registerRoutes(app: FastifyInstance, opts: RoutePluginOptions): Promise<void> {
  await app.register(opsRoutes, opts);
  await app.register(paymentCommandRoutes, opts);
  await app.register(paymentReadRoutes, opts);
  await app.register(dashboardRoutes, opts);
  // Provider-flow groups, present when their deps are.
  if (opts.deps.webhooks) await app.register(webhookRoutes, opts);
  if (opts.deps.outbox || opts.deps.reconciler) await app.register(adminRoutes, opts);
}
