/**
 * One log line per request (method, route, status, duration, key id; the request id comes from
 * the request's child logger, so every line logged while serving it carries it too) and the
 * http_request_duration_seconds histogram; the request id goes back as X-Request-Id.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';

type Observer = { observe(seconds: number): void };

export function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  // One labelled child per (method, route, status), made once: observe() with a label object
  // builds and validates a label set per call (prom-client still hashes it per observation, so
  // this saves well under a microsecond). Bounded: routes are patterns, unmatched paths share
  // one label, and methods and statuses are few.
  const observers = new Map<string, Observer>();
  const observerOf = (method: string, route: string, status: number): Observer => {
    const key = `${method} ${status} ${route}`;
    let o = observers.get(key);
    if (!o) {
      o = metrics.httpRequestDuration.labels({ method, route, status_code: status });
      observers.set(key, o);
    }
    return o;
  };
  // Callback style: an async hook costs a promise and a microtask per request for one header.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Request-Id', req.id);
    done();
  });
  app.addHook('onResponse', async (req, reply) => {
    // Unmatched paths share one label, so scanners cannot blow up the metric's cardinality.
    const route = req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched');
    observerOf(req.method, route, reply.statusCode).observe(reply.elapsedTime / 1000);
    req.log.info(
      {
        method: req.method,
        route,
        path: req.url.split('?', 1)[0],
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 100) / 100,
        key_id: req.principal?.keyId,
      },
      'request completed',
    );
  });
}
