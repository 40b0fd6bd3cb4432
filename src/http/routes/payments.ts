/** Payment commands: create, capture, cancel, refund (scope payments:write). */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { CommandResult } from '../../payments/services.js';
import type { PaymentView } from '../../payments/views.js';
import { commandContext, etag, HEADERS } from '../context.js';
import type { RoutePlugin } from '../deps.js';
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

export const paymentCommandRoutes: RoutePlugin = async (app, { deps, config }) => {
  const { commands, queries } = deps;
  const rywMs = config.api.readYourWritesTimeoutMs;
  const shutdown = app.shutdownSignal;

  app.post(
    '/v1/payments',
    {
      config: { scope: 'payments:write' },
      schema: {
        tags: ['payments'],
        summary: 'Create a payment',
        description:
          '201 with the payment once its outcome is known (succeeded, requires_capture, failed — a decline is a failed payment, not an error) within the configured wait; else 202 with the payment as it is (pending or processing).',
        headers: CommandHeaders,
        body: CreatePaymentBody,
        response: { 201: PaymentViewSchema, 202: PaymentViewSchema, ...MUTATION_ERRORS },
      },
    },
    async (req, reply) => {
      const ctx = commandContext(req);
      const b = req.body;
      const result = await commands.createPayment(
        {
          amount: b.amount,
          currency: b.currency,
          paymentMethod: b.payment_method,
          ...(b.capture_method && { captureMethod: b.capture_method }),
          ...(b.customer !== undefined && { customer: b.customer }),
          ...(b.description !== undefined && { description: b.description }),
          ...(b.metadata && { metadata: b.metadata }),
        },
        ctx,
      );
      let view = await readAfterWrite(queries, result, rywMs);
      if (!hasOutcome(view) && config.api.paymentWaitMs > 0) {
        view = await waitForOutcome(queries, view, config.api.paymentWaitMs, shutdown);
      }
      reply.header('Location', `/v1/payments/${view.id}`);
      return sendCommandResult(reply, result, view, hasOutcome(view) ? 201 : 202);
    },
  );

  app.post(
    '/v1/payments/:id/capture',
    mutation('Capture an authorized payment', CaptureBody),
    async (req, reply) => {
      const body = req.body ?? {};
      const input = body.amount === undefined ? {} : { amount: body.amount };
      const result = await commands.capturePayment(req.params.id, input, commandContext(req));
      return sendCommandResult(reply, result, await readAfterWrite(queries, result, rywMs), 200);
    },
  );

  app.post('/v1/payments/:id/cancel', mutation('Cancel a payment', CancelBody), async (req, reply) => {
    const input = { reason: req.body?.reason ?? null };
    const result = await commands.cancelPayment(req.params.id, input, commandContext(req));
    return sendCommandResult(reply, result, await readAfterWrite(queries, result, rywMs), 200);
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
      const result = await commands.refundPayment(req.params.id, input, commandContext(req));
      return sendCommandResult(reply, result, await readAfterWrite(queries, result, rywMs), 200);
    },
  );
};
