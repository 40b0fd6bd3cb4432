/** Payment reads: one payment (with time travel), its audit trail, and the list (scope payments:read). */
import { z } from 'zod';
import type { PaymentListFilter } from '../../payments/views.js';
import { NotFoundError } from '../../shared/errors.js';
import { etag, readOptions } from '../context.js';
import type { RoutePlugin, RoutePluginOptions } from '../deps.js';
import { AUTH_ERRORS, problemResponses } from '../schemas/common.js';
import {
  AuditListSchema,
  EmptyQuery,
  GetPaymentQuery,
  ListPaymentsQuery,
  PaymentListSchema,
  PaymentParams,
  PaymentViewSchema,
} from '../schemas/payments.js';

function asOf(value: string): { version: number } | { time: Date } {
  return /^\d+$/.test(value) ? { version: Number(value) } : { time: new Date(value) };
}

/** If-None-Match: a list of tags, weak or strong (weak comparison, RFC 9110 13.1.2), or *. */
function noneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === `W/${tag}`;
  });
}

type App = Parameters<RoutePlugin>[0];
const READ = { scope: 'payments:read' as const };

const GET_ROUTE = {
  config: READ,
  schema: {
    tags: ['payments'],
    summary: 'Retrieve a payment',
    description:
      'ETag is the stream version ("3"); If-None-Match answers 304. `as_of` rebuilds the payment from its events as it was at a version or time.',
    params: PaymentParams,
    querystring: GetPaymentQuery,
    response: {
      200: PaymentViewSchema,
      304: z.null().describe('Not modified (If-None-Match)'),
      ...problemResponses(...AUTH_ERRORS, 404),
    },
  },
};

const EVENTS_ROUTE = {
  config: READ,
  schema: {
    tags: ['payments'],
    summary: "A payment's audit trail: its events with metadata (actor, correlation id)",
    params: PaymentParams,
    querystring: EmptyQuery,
    response: { 200: AuditListSchema, ...problemResponses(...AUTH_ERRORS, 404) },
  },
};

const LIST_ROUTE = {
  config: READ,
  schema: {
    tags: ['payments'],
    summary: 'List payments, newest first',
    querystring: ListPaymentsQuery,
    response: { 200: PaymentListSchema, ...problemResponses(...AUTH_ERRORS) },
  },
};

function toFilter(q: z.output<typeof ListPaymentsQuery>): PaymentListFilter {
  return {
    ...(q.status && { status: q.status }),
    ...(q.currency && { currency: q.currency.toLowerCase() }),
    ...(q.customer && { customer: q.customer }),
    ...(q.created_gte && { createdGte: q.created_gte }),
    ...(q.created_lte && { createdLte: q.created_lte }),
    ...(q.amount_gte !== undefined && { amountGte: q.amount_gte }),
    ...(q.amount_lte !== undefined && { amountLte: q.amount_lte }),
    ...(q.limit !== undefined && { limit: q.limit }),
    ...(q.starting_after && { startingAfter: q.starting_after }),
  };
}

function registerGet(app: App, { deps, config }: RoutePluginOptions): void {
  app.get('/v1/payments/:id', GET_ROUTE, async (req, reply) => {
    const { id } = req.params;
    const asOfParam = req.query.as_of;
    const view = asOfParam
      ? await deps.queries.getPaymentAsOf(id, asOf(asOfParam))
      : await deps.queries.getPayment(id, readOptions(req, req.query, config.api.readYourWritesTimeoutMs));
    if (!view) throw new NotFoundError('payment', id);
    const tag = etag(view.version);
    reply.header('ETag', tag);
    if (!asOfParam && noneMatch(req.headers['if-none-match'], tag)) return reply.code(304).send(null);
    return view;
  });
}

export const paymentReadRoutes: RoutePlugin = async (app, opts) => {
  const { queries } = opts.deps;
  registerGet(app, opts);
  app.get('/v1/payments/:id/events', EVENTS_ROUTE, async (req) => {
    const entries = await queries.getHistory(req.params.id);
    if (!entries) throw new NotFoundError('payment', req.params.id);
    return { data: entries };
  });
  app.get('/v1/payments', LIST_ROUTE, async (req) =>
    queries.listPayments(
      toFilter(req.query),
      readOptions(req, req.query, opts.config.api.readYourWritesTimeoutMs),
    ),
  );
};
