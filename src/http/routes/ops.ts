/**
 * Operations: liveness, readiness and metrics. /healthz and /readyz are open; /metrics is open
 * unless config auth.metricsAuth (then an admin key).
 */
import { z } from 'zod';
import type { ReadinessResult, RoutePlugin } from '../deps.js';

const CHECK_TIMEOUT_MS = 2000;

const ReadinessSchema = z.object({
  ready: z.boolean(),
  status: z.enum(['starting', 'ready', 'stopping']),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() })),
});

async function runCheck(check: () => Promise<ReadinessResult>, index: number): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ name: `check${index}`, ok: false, detail: 'timed out' }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (e) {
    return { name: `check${index}`, ok: false, detail: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export const opsRoutes: RoutePlugin = async (app, { deps }) => {
  const hidden = { tags: ['ops'], security: [] };

  app.get(
    '/healthz',
    {
      config: { scope: 'public', rateLimit: false },
      schema: { ...hidden, summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { scope: 'public', rateLimit: false },
      schema: {
        ...hidden,
        summary: 'Readiness: 200 when serving and every check passes, else 503',
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (_req, reply) => {
      const status = app.lifecycle.status;
      const checks = status === 'ready' ? await Promise.all((deps.readinessChecks ?? []).map(runCheck)) : [];
      const ready = status === 'ready' && checks.every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ ready, status, checks });
    },
  );

  app.get(
    '/metrics',
    {
      config: { scope: 'public', rateLimit: false },
      schema: { ...hidden, summary: 'Prometheus metrics (text exposition format)' },
    },
    async (_req, reply) => {
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  );
};
