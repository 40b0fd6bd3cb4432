/**
 * POST /webhooks/stripe: provider events in. Public (the signature is the authentication): the
 * body is kept as the exact bytes received — a JSON re-serialisation would break the signature —
 * and handed to the receiver, which verifies, dedupes and settles. A bad, stale or missing
 * signature is 400 PAY_WEBHOOK_SIGNATURE with nothing applied; a provider we cannot ask right now
 * is 503, so the provider redelivers later.
 */
import { z } from 'zod';
import type { WebhookReceiver } from '../../payments/provider/webhookReceiver.js';
import type { RoutePlugin } from '../deps.js';
import { problemResponses } from '../schemas/common.js';

const ReceivedSchema = z.object({
  received: z.literal(true),
  event_id: z.string(),
  result: z.enum(['applied', 'duplicate', 'ignored', 'conflict']),
});

export const webhookRoutes: RoutePlugin = async (app, { deps }) => {
  const receiver = deps.webhooks as WebhookReceiver;
  // Encapsulated in this plugin: the rest of the API keeps parsing JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(
    '/webhooks/stripe',
    {
      config: { scope: 'public', rateLimit: false },
      schema: {
        tags: ['webhooks'],
        summary: 'Stripe-signed provider events (Stripe-Signature header, 300 s tolerance)',
        security: [],
        response: { 200: ReceivedSchema, ...problemResponses(400, 503) },
      },
    },
    async (req) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.headers['stripe-signature'];
      const r = await receiver.receive(raw, Array.isArray(header) ? header[0] : header);
      return { received: true as const, event_id: r.eventId, result: r.result };
    },
  );
};
