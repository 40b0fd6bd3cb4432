/** Aggregates per currency and over time (scope payments:read). */
import { z } from 'zod';
import { readOptions } from '../context.js';
import type { RoutePlugin } from '../deps.js';
import { AUTH_ERRORS, problemResponses } from '../schemas/common.js';
import { MIN_CHECKPOINT_DOC } from '../schemas/payments.js';

const CurrencyDashboardSchema = z.object({
  currency: z.string(),
  count: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  amount_captured: z.number().int(),
  amount_refunded: z.number().int(),
  success_rate: z.number().nullable().describe('succeeded / (succeeded + failed); null when neither'),
  last_payment_at: z.string().nullable(),
  last_failure_at: z.string().nullable(),
});

const TimeseriesPointSchema = z.object({
  bucket_start: z.string(),
  currency: z.string(),
  count: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  amount_captured: z.number().int(),
  amount_refunded: z.number().int(),
});

const isoTime = z.iso.datetime({ offset: true });

const TimeseriesQuery = z
  .object({
    bucket: z.enum(['minute', 'hour', 'day']),
    from: isoTime.optional().describe('Inclusive, ISO 8601'),
    to: isoTime.optional().describe('Exclusive, ISO 8601'),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/)
      .optional(),
  })
  .strict();

export const dashboardRoutes: RoutePlugin = async (app, { deps, config }) => {
  const errors = problemResponses(...AUTH_ERRORS);

  app.get(
    '/v1/dashboard',
    {
      config: { scope: 'payments:read' },
      schema: {
        tags: ['dashboard'],
        summary: 'Counts, amounts and success rate per currency',
        querystring: z
          .object({ min_checkpoint: z.string().max(100).optional().describe(MIN_CHECKPOINT_DOC) })
          .strict(),
        response: { 200: z.object({ currencies: z.array(CurrencyDashboardSchema) }), ...errors },
      },
    },
    async (req) => deps.queries.dashboard(readOptions(req, req.query, config.api.readYourWritesTimeoutMs)),
  );

  app.get(
    '/v1/dashboard/timeseries',
    {
      config: { scope: 'payments:read' },
      schema: {
        tags: ['dashboard'],
        summary: 'Payments per time bucket and currency',
        querystring: TimeseriesQuery,
        response: { 200: z.object({ data: z.array(TimeseriesPointSchema) }), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const range = {
        ...(q.from && { from: new Date(q.from) }),
        ...(q.to && { to: new Date(q.to) }),
        ...(q.currency && { currency: q.currency.toLowerCase() }),
      };
      return { data: await deps.queries.timeseries(q.bucket, range) };
    },
  );
};
