/** Payment reads: one payment (with time travel), its audit trail, and the list (scope payments:read). */
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import { etag, readOptions } from '../context.js';
import type { RoutePlugin } from '../deps.js';
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

export const paymentReadRoutes: RoutePlugin = async (app, { deps, config }) => {
  const { queries } = deps;
  const rywMs = config.api.readYourWritesTimeoutMs;
  const read = { scope: 'payments:read' as const };

  app.get(
    '/v1/payments/:id',
    {
      config: read,
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
    },
    async (req, reply) => {
      const { id } = req.params;
      const view = req.query.as_of
        ? await queries.getPaymentAsOf(id, asOf(req.query.as_of))
        : await queries.getPayment(id, readOptions(req, req.query, rywMs));
      if (!view) throw new NotFoundError('payment', id);
      const tag = etag(view.version);
      reply.header('ETag', tag);
      if (!req.query.as_of && noneMatch(req.headers['if-none-match'], tag)) return reply.code(304).send(null);
      return view;
    },
  );

  app.get(
    '/v1/payments/:id/events',
    {
      config: read,
      schema: {
        tags: ['payments'],
        summary: "A payment's audit trail: its events with metadata (actor, correlation id)",
        params: PaymentParams,
        querystring: EmptyQuery,
        response: { 200: AuditListSchema, ...problemResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (req) => {
      const entries = await queries.getHistory(req.params.id);
      if (!entries) throw new NotFoundError('payment', req.params.id);
      return { data: entries };
    },
  );

  app.get(
    '/v1/payments',
    {
      config: read,
      schema: {
        tags: ['payments'],
        summary: 'List payments, newest first',
        querystring: ListPaymentsQuery,
        response: { 200: PaymentListSchema, ...problemResponses(...AUTH_ERRORS) },
      },
    },
    async (req) => {
      const q = req.query;
      return queries.listPayments(
        {
          ...(q.status && { status: q.status }),
          ...(q.currency && { currency: q.currency.toLowerCase() }),
          ...(q.customer && { customer: q.customer }),
          ...(q.created_gte && { createdGte: q.created_gte }),
          ...(q.created_lte && { createdLte: q.created_lte }),
          ...(q.amount_gte !== undefined && { amountGte: q.amount_gte }),
          ...(q.amount_lte !== undefined && { amountLte: q.amount_lte }),
          ...(q.limit !== undefined && { limit: q.limit }),
          ...(q.starting_after && { startingAfter: q.starting_after }),
        },
        readOptions(req, q, rywMs),
      );
    },
  );
};
