/**
 * Admin routes of the provider flow (scope admin): reconciliation runs (list, run now) and the
 * outbox (list by state, retry a dead letter). Outbox payloads are not returned: they carry
 * customer data and the admin needs the error, not the request.
 */
import { z } from 'zod';
import type { OutboxMessage } from '../../eventsourcing/outbox/outboxStore.js';
import type { Reconciler } from '../../payments/provider/reconciler.js';
import type { RoutePlugin } from '../deps.js';
import { AUTH_ERRORS, problemResponses } from '../schemas/common.js';

const CountsSchema = z.object({
  payments: z.number().int(),
  matched: z.number().int(),
  corrected: z.number().int(),
  localOnly: z.number().int(),
  providerOnly: z.number().int(),
  conflicting: z.number().int(),
  inFlight: z.number().int(),
  redriven: z.number().int(),
  errors: z.number().int(),
});

const RunSchema = z.object({
  run_id: z.string(),
  since: z.string(),
  started_at: z.string(),
  completed_at: z.string().nullable(),
  counts: CountsSchema.nullable(),
});

const ItemSchema = z.object({
  payment_id: z.string().nullable(),
  provider_payment_id: z.string().nullable(),
  result: z.string(),
  needs_attention: z.boolean(),
  detail: z.array(z.string()),
  events_written: z.array(z.string()),
});

const MessageSchema = z.object({
  id: z.string(),
  kind: z.string(),
  stream_id: z.string(),
  state: z.enum(['pending', 'leased', 'done', 'dead']),
  attempts: z.number().int(),
  available_at: z.string(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
});

function messageView(m: OutboxMessage): z.infer<typeof MessageSchema> {
  return {
    id: m.id,
    kind: m.kind,
    stream_id: m.streamId,
    state: m.state,
    attempts: m.attempts,
    available_at: m.availableAt.toISOString(),
    last_error: m.lastError,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
    completed_at: m.completedAt?.toISOString() ?? null,
  };
}

export const adminRoutes: RoutePlugin = async (app, { deps }) => {
  const reconciler = deps.reconciler as Reconciler | undefined;
  const outbox = deps.outbox;
  const admin = { scope: 'admin' as const };

  if (reconciler) {
    app.get(
      '/v1/reconciliations',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Recent reconciliation runs, newest first',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
          response: { 200: z.object({ data: z.array(RunSchema) }), ...problemResponses(...AUTH_ERRORS) },
        },
      },
      async (req) => ({
        data: (await reconciler.recentRuns(req.query.limit)).map((r) => ({
          run_id: r.runId,
          since: r.since,
          started_at: r.startedAt,
          completed_at: r.completedAt,
          counts: r.counts,
        })),
      }),
    );

    app.post(
      '/v1/reconciliations',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Run a reconciliation now and return its report',
          body: z
            .object({ since: z.iso.datetime({ offset: true }).optional() })
            .strict()
            .optional(),
          response: {
            200: RunSchema.extend({ items: z.array(ItemSchema) }),
            ...problemResponses(...AUTH_ERRORS, 503),
          },
        },
      },
      async (req) => {
        const since = req.body?.since;
        const r = await reconciler.reconcile(since ? { since: new Date(since) } : {});
        return {
          run_id: r.runId,
          since: r.since,
          started_at: r.startedAt,
          completed_at: r.completedAt,
          counts: r.counts,
          items: r.items.map((i) => ({
            payment_id: i.paymentId,
            provider_payment_id: i.providerPaymentId,
            result: i.result,
            needs_attention: i.needsAttention,
            detail: i.detail,
            events_written: i.eventsWritten,
          })),
        };
      },
    );
  }

  if (outbox) {
    app.get(
      '/v1/outbox',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Outbox messages by state (e.g. ?state=dead for the dead letters)',
          querystring: z
            .object({
              state: z.enum(['pending', 'leased', 'done', 'dead']).optional(),
              limit: z.coerce.number().int().min(1).max(1000).default(100),
            })
            .strict(),
          response: { 200: z.object({ data: z.array(MessageSchema) }), ...problemResponses(...AUTH_ERRORS) },
        },
      },
      async (req) => {
        const filter = req.query.state
          ? { state: req.query.state, limit: req.query.limit }
          : { limit: req.query.limit };
        return { data: (await outbox.list(filter)).map(messageView) };
      },
    );

    app.post(
      '/v1/outbox/:id/retry',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Send a dead letter back to the dispatcher (attempts reset)',
          params: z.object({ id: z.string().min(1).max(100) }),
          response: { 200: MessageSchema, ...problemResponses(...AUTH_ERRORS, 404, 409) },
        },
      },
      async (req) => messageView(await outbox.retry(req.params.id)),
    );
  }
};
