/**
 * Per-API-key rate limit on @fastify/rate-limit: at most `max` requests per key in a window of
 * `windowMs`. Requests without a principal (open routes, 404s, failed auth) are not counted; a
 * route opts out with `config.rateLimit: false`. Answers carry x-ratelimit-limit,
 * x-ratelimit-remaining and x-ratelimit-reset; a refused one is 429 PAY_RATE_LIMITED (problem+json)
 * with Retry-After. Counts are per process (the plugin's local store); a Redis store would share
 * them across instances.
 *
 * The plugin costs a few microseconds per request (it awaits its key generator, allow list and
 * store); measured and kept, because it is the well-kept library the rest of the ecosystem audits.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../problem.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

export async function registerRateLimit(
  app: FastifyInstance,
  { max, windowMs }: RateLimitOptions,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: windowMs,
    // Registered after auth's onRequest hook, so req.principal is known when the plugin runs.
    keyGenerator: (req) => req.principal?.keyId ?? req.ip,
    allowList: (req) => req.principal === undefined,
    errorResponseBuilder: (_req, ctx) =>
      new HttpProblem('PAY_RATE_LIMITED', `more than ${ctx.max} requests in ${ctx.after} for this API key`),
  });
}
