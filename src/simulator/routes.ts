/** The Stripe endpoints the simulator serves, each through the shared pipeline. */
import type { FastifyInstance } from 'fastify';
import { invalidParam } from './errors.js';
import { listEvents, retrieveEvent } from './events.js';
import { expand } from './expand.js';
import { apiHandler, type Operation, type PipelineDeps } from './http.js';
import {
  cancelIntent,
  captureIntent,
  confirmIntent,
  createIntent,
  listIntents,
  retrieveIntent,
} from './paymentIntents.js';
import { createRefund, listRefunds, retrieveCharge, retrieveRefund } from './refunds.js';

const id = (p: Record<string, string>) => p['id'] ?? '';

/**
 * Parameters each endpoint accepts. Stripe rejects unknown parameters, and so does the simulator,
 * so an adapter that sends something Stripe would refuse fails here too. Some are accepted and
 * ignored because they change nothing the simulator models (expand, return_url, …).
 */
const LIST = ['limit', 'starting_after', 'ending_before', 'created', 'expand'];
const CREATE_PI = [
  ...['amount', 'currency', 'payment_method', 'confirm', 'capture_method', 'customer', 'description'],
  ...['metadata', 'automatic_payment_methods', 'payment_method_types', 'expand', 'return_url'],
  ...['receipt_email', 'statement_descriptor', 'statement_descriptor_suffix', 'off_session'],
];

const ROUTES: Array<[method: 'GET' | 'POST', url: string, allowed: string[], op: Operation]> = [
  ['POST', '/v1/payment_intents', CREATE_PI, (ctx, params) => createIntent(ctx, params)],
  ['GET', '/v1/payment_intents', [...LIST, 'customer'], (ctx, params) => listIntents(ctx, params)],
  ['GET', '/v1/payment_intents/:id', ['expand', 'client_secret'], (ctx, _q, p) => retrieveIntent(ctx, id(p))],
  [
    'POST',
    '/v1/payment_intents/:id/confirm',
    ['payment_method', 'expand', 'return_url', 'off_session'],
    (ctx, params, p) => confirmIntent(ctx, id(p), params),
  ],
  [
    'POST',
    '/v1/payment_intents/:id/capture',
    ['amount_to_capture', 'expand', 'metadata'],
    (ctx, params, p) => captureIntent(ctx, id(p), params),
  ],
  [
    'POST',
    '/v1/payment_intents/:id/cancel',
    ['cancellation_reason', 'expand'],
    (ctx, params, p) => cancelIntent(ctx, id(p), params),
  ],
  [
    'POST',
    '/v1/refunds',
    ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand'],
    (ctx, params) => createRefund(ctx, params),
  ],
  ['GET', '/v1/refunds', [...LIST, 'payment_intent', 'charge'], (ctx, params) => listRefunds(ctx, params)],
  ['GET', '/v1/refunds/:id', ['expand'], (ctx, _q, p) => retrieveRefund(ctx, id(p))],
  ['GET', '/v1/charges/:id', ['expand'], (ctx, _q, p) => retrieveCharge(ctx, id(p))],
  [
    'GET',
    '/v1/events',
    [...LIST, 'type', 'types', 'delivery_success'],
    (ctx, params) => listEvents(ctx, params),
  ],
  ['GET', '/v1/events/:id', ['expand'], (ctx, _q, p) => retrieveEvent(ctx, id(p))],
];

function checked(allowed: string[], op: Operation): Operation {
  return (ctx, params, pathParams) => {
    const unknown = Object.keys(params).find((k) => !allowed.includes(k));
    if (unknown !== undefined) {
      throw invalidParam(`Received unknown parameter: ${unknown}`, unknown, 'parameter_unknown');
    }
    return expand(ctx.state, params, op(ctx, params, pathParams));
  };
}

export function registerApiRoutes(app: FastifyInstance, deps: PipelineDeps): void {
  for (const [method, url, allowed, op] of ROUTES) {
    app.route({ method, url, handler: apiHandler(deps, checked(allowed, op)) });
  }
}
