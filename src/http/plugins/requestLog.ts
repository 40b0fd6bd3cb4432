/**
 * One log line per request (method, route, status, duration, key id; the request id comes from
 * the request's child logger, so every line logged while serving it carries it too) and the
 * http_request_duration_seconds histogram; the request id goes back as X-Request-Id.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';

export function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    // Unmatched paths share one label, so scanners cannot blow up the metric's cardinality.
    const route = req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched');
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequestDuration.observe(
      { method: req.method, route, status_code: reply.statusCode },
      seconds,
    );
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
