/** The OpenAPI 3.1 document (from the routes' zod schemas), served at /openapi.json and /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const DESCRIPTION = `Event-sourced payments API, modelled on Stripe's.

Authentication: \`Authorization: Bearer psk_…\` (scopes payments:read, payments:write, admin).
Errors: RFC 9457 \`application/problem+json\` with a stable \`code\` (docs/errors.md).

Headers:
- \`X-Request-Id\`: sent or generated, echoed, stored as the events' correlation id.
- \`Idempotency-Key\` (any POST): a replay answers the stored outcome with \`Idempotent-Replayed: true\`;
  the same key with another request is 422 PAY_IDEMPOTENCY_MISMATCH.
- \`ETag\` on payment reads: the stream version, strong: \`"3"\`. \`If-Match: "3"\` on a mutation makes
  it conditional (412 PAY_PRECONDITION_FAILED when the payment moved on).
- \`Paystream-Checkpoint\` on command responses; send it back as \`Paystream-Min-Checkpoint\`
  (or \`?min_checkpoint=\`) on a GET to read your own write.`;

export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'paystream', version, description: DESCRIPTION },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'psk_<id>_<secret>' } },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'payments', description: 'Create, capture, cancel, refund and read payments' },
        { name: 'dashboard', description: 'Aggregates' },
        { name: 'webhooks', description: 'Provider events in (signed)' },
        { name: 'admin', description: 'Reconciliation and outbox (scope admin)' },
        { name: 'ops', description: 'Health, readiness, metrics' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { scope: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
