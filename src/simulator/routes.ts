/** The Stripe endpoints the simulator serves, each through the shared pipeline. */
import type { FastifyInstance } from 'fastify';
import { listEvents, retrieveEvent } from './events.js';
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

const ROUTES: Array<[method: 'GET' | 'POST', url: string, op: Operation]> = [
  ['POST', '/v1/payment_intents', (ctx, params) => createIntent(ctx, params)],
  ['GET', '/v1/payment_intents', (ctx, params) => listIntents(ctx, params)],
  ['GET', '/v1/payment_intents/:id', (ctx, _params, p) => retrieveIntent(ctx, id(p))],
  ['POST', '/v1/payment_intents/:id/confirm', (ctx, params, p) => confirmIntent(ctx, id(p), params)],
  ['POST', '/v1/payment_intents/:id/capture', (ctx, params, p) => captureIntent(ctx, id(p), params)],
  ['POST', '/v1/payment_intents/:id/cancel', (ctx, params, p) => cancelIntent(ctx, id(p), params)],
  ['POST', '/v1/refunds', (ctx, params) => createRefund(ctx, params)],
  ['GET', '/v1/refunds', (ctx, params) => listRefunds(ctx, params)],
  ['GET', '/v1/refunds/:id', (ctx, _params, p) => retrieveRefund(ctx, id(p))],
  ['GET', '/v1/charges/:id', (ctx, _params, p) => retrieveCharge(ctx, id(p))],
  ['GET', '/v1/events', (ctx, params) => listEvents(ctx, params)],
  ['GET', '/v1/events/:id', (ctx, _params, p) => retrieveEvent(ctx, id(p))],
];

export function registerApiRoutes(app: FastifyInstance, deps: PipelineDeps): void {
  for (const [method, url, op] of ROUTES) app.route({ method, url, handler: apiHandler(deps, op) });
}
