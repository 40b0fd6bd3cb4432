/**
 * 404 vs 405: Fastify answers 404 for a known path with the wrong method; we answer 405 with an
 * Allow header. The route table is collected as routes are added.
 */
import type { FastifyInstance } from 'fastify';
import { HttpProblem, mapError, sendProblem } from '../problem.js';

interface RoutePattern {
  re: RegExp;
  methods: Set<string>;
}

function toRegExp(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) return '[^/]+';
      if (seg === '*') return '.*';
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${escaped}$`);
}

export function registerRouting(app: FastifyInstance): void {
  const patterns = new Map<string, RoutePattern>();
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    const entry = patterns.get(url) ?? { re: toRegExp(url), methods: new Set<string>() };
    for (const m of [route.method].flat()) entry.methods.add(String(m).toUpperCase());
    patterns.set(url, entry);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '/';
    const allowed = new Set<string>();
    for (const p of patterns.values()) if (p.re.test(path)) for (const m of p.methods) allowed.add(m);
    const problem =
      allowed.size > 0 && !allowed.has(req.method)
        ? new HttpProblem('PAY_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`, {
            headers: { Allow: [...allowed].sort().join(', ') },
          })
        : new HttpProblem('PAY_ROUTE_NOT_FOUND', `no route ${req.method} ${path}`);
    return sendProblem(reply, mapError(problem, req));
  });
}
