/** Payment commands: create, capture, cancel, refund (scope payments:write). */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { CommandResult, CreatePaymentInput } from '../../payments/services.js';
import type { PaymentView } from '../../payments/views.js';
import { commandContext, etag, HEADERS } from '../context.js';
import type { RoutePlugin, RoutePluginOptions } from '../deps.js';
import { hasOutcome, readAfterWrite, waitForOutcome } from '../paymentWait.js';
import { AUTH_ERRORS, problemResponses } from '../schemas/common.js';
import {
  CancelBody,
  CaptureBody,
  CreatePaymentBody,
  PaymentParams,
  PaymentViewSchema,
  RefundBody,
} from '../schemas/payments.js';

const CommandHeaders = z.looseObject({
  'idempotency-key': z.string().optional().describe('Makes the POST safe to retry (1-255 printable ASCII)'),
  'if-match': z
    .string()
    .optional()
    .describe('"<version>": apply only if the payment is still at it (412 if not)'),
});

const MUTATION_ERRORS = problemResponses(...AUTH_ERRORS, 404, 409, 412, 413, 415, 422);

function sendCommandResult(reply: FastifyReply, result: CommandResult, view: PaymentView, status: number) {
  reply.header(HEADERS.checkpoint, result.checkpoint).header('ETag', etag(view.version));
  if (result.replayed) reply.header(HEADERS.idempotentReplayed, 'true');
  return reply.code(status).send(view);
}

function mutation<B extends z.ZodType>(summary: string, body: B) {
  return {
    config: { scope: 'payments:write' as const },
    schema: {
      tags: ['payments'],
      summary,
      headers: CommandHeaders,
      params: PaymentParams,
      body,
      response: { 200: PaymentViewSchema, ...MUTATION_ERRORS },
    },
  };
}

type App = Parameters<RoutePlugin>[0];

const CREATE_ROUTE = {
  config: { scope: 'payments:write' as const },
  schema: {
    tags: ['payments'],
    summary: 'Create a payment',
    description:
      '201 with the payment once its outcome is known (succeeded, requires_capture, failed — a decline is a failed payment, not an error) within the configured wait; else 202 with the payment as it is (pending or processing).',
    headers: CommandHeaders,
    body: CreatePaymentBody,
    response: { 201: PaymentViewSchema, 202: PaymentViewSchema, ...MUTATION_ERRORS },
  },
};

function toCreateInput(b: z.output<typeof CreatePaymentBody>): CreatePaymentInput {
  return {
    amount: b.amount,
    currency: b.currency,
    paymentMethod: b.payment_method,
    ...(b.capture_method && { captureMethod: b.capture_method }),
    ...(b.customer !== undefined && { customer: b.customer }),
    ...(b.description !== undefined && { description: b.description }),
    ...(b.metadata && { metadata: b.metadata }),
  };
}

function registerCreate(app: App, { deps, config }: RoutePluginOptions): void {
  const { commands, queries } = deps;
  app.post('/v1/payments', CREATE_ROUTE, async (req, reply) => {
    const result = await commands.createPayment(toCreateInput(req.body), commandContext(req));
    let view = await readAfterWrite(queries, result, config.api.readYourWritesTimeoutMs);
    if (!hasOutcome(view) && config.api.paymentWaitMs > 0) {
      view = await waitForOutcome(queries, view, config.api.paymentWaitMs, app.shutdownSignal);
    }
    reply.header('Location', `/v1/payments/${view.id}`);
    return sendCommandResult(reply, result, view, hasOutcome(view) ? 201 : 202);
  });
}

function registerMutations(app: App, { deps, config }: RoutePluginOptions): void {
  const { commands, queries } = deps;
  const respond = async (reply: FastifyReply, result: CommandResult) =>
    sendCommandResult(
      reply,
      result,
      await readAfterWrite(queries, result, config.api.readYourWritesTimeoutMs),
      200,
    );

  app.post(
    '/v1/payments/:id/capture',
    mutation('Capture an authorized payment', CaptureBody),
    async (req, reply) => {
      const amount = req.body?.amount;
      const input = amount === undefined ? {} : { amount };
      return respond(reply, await commands.capturePayment(req.params.id, input, commandContext(req)));
    },
  );

  app.post('/v1/payments/:id/cancel', mutation('Cancel a payment', CancelBody), async (req, reply) => {
    const input = { reason: req.body?.reason ?? null };
    return respond(reply, await commands.cancelPayment(req.params.id, input, commandContext(req)));
  });

  app.post(
    '/v1/payments/:id/refunds',
    mutation('Refund a payment (in full by default)', RefundBody),
    async (req, reply) => {
      const body = req.body ?? {};
      const input = {
        reason: body.reason ?? null,
        ...(body.amount !== undefined && { amount: body.amount }),
      };
      return respond(reply, await commands.refundPayment(req.params.id, input, commandContext(req)));
    },
  );
}

export const paymentCommandRoutes: RoutePlugin = async (app, opts) => {
  registerCreate(app, opts);
  registerMutations(app, opts);
};
