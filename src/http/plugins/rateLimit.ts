/**
 * Per-API-key rate limit: at most `max` requests per key in a fixed window of `windowMs` that
 * starts at the key's first request (the semantics @fastify/rate-limit's local store had).
 * Requests without a principal (open routes, 404s, failed auth) are not counted; a route opts
 * out with `config.rateLimit: false`. Every counted answer carries x-ratelimit-limit,
 * x-ratelimit-remaining and x-ratelimit-reset (seconds); a refused one is 429 PAY_RATE_LIMITED
 * with Retry-After.
 *
 * Our own hook rather than the plugin: the plugin awaits its key generator, allow list and store
 * through four promises per request (~8 us of the ~110 us of a cached GET here); this is one
 * synchronous hook with a Map lookup. Counts are per process, as the plugin's local store was.
 */
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route is not rate limited. */
    rateLimit?: boolean;
  }
}

export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

interface Window {
  count: number;
  startMs: number;
}

/** Keys are verified API key ids, so few; expired windows are dropped when the map grows. */
const PRUNE_AT = 10_000;

function describeWindow(ms: number): string {
  const [n, unit] = ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [ms / 1000, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function registerRateLimit(app: FastifyInstance, { max, windowMs }: RateLimitOptions): void {
  const windows = new Map<string, Window>();
  const windowText = describeWindow(windowMs);
  const prune = (now: number) => {
    for (const [key, w] of windows) if (w.startMs + windowMs <= now) windows.delete(key);
  };
  // Registered after auth's onRequest hook, so req.principal is known here.
  app.addHook('onRequest', (req, reply, done) => {
    const principal = req.principal;
    if (principal === undefined || req.routeOptions.config.rateLimit === false) return done();
    const now = Date.now();
    let w = windows.get(principal.keyId);
    if (w === undefined || w.startMs + windowMs <= now) {
      if (w === undefined && windows.size >= PRUNE_AT) prune(now);
      w = { count: 0, startMs: now };
      windows.set(principal.keyId, w);
    }
    w.count++;
    const resetSeconds = Math.ceil((w.startMs + windowMs - now) / 1000);
    reply.header('x-ratelimit-limit', max);
    reply.header('x-ratelimit-remaining', Math.max(0, max - w.count));
    reply.header('x-ratelimit-reset', resetSeconds);
    if (w.count <= max) return done();
    reply.header('retry-after', resetSeconds);
    done(new HttpProblem('PAY_RATE_LIMITED', `more than ${max} requests in ${windowText} for this API key`));
  });
}
