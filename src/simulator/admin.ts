/**
 * /_sim admin routes: the provider's truth for tests (intents with their refunds and capture
 * counts), fault configuration and webhook endpoints. Faults never apply here.
 * Unauthenticated on purpose: the simulator is a test tool bound to loopback.
 */
import type { FastifyInstance } from 'fastify';
import type { FaultInjector, FaultOptions } from './faults.js';
import { newId } from './ids.js';
import type { WireCharge, WirePaymentIntent, WireRefund } from './objects.js';
import type { SimState, WebhookEndpoint } from './state.js';
import type { WebhookDispatcher } from './webhooks.js';

export interface IntentTruth {
  payment_intent: WirePaymentIntent;
  /** Successful captures; anything above 1 means the customer was charged twice. */
  captures: number;
  charge: WireCharge | null;
  refunds: WireRefund[];
}

export interface SimSnapshot {
  payment_intents: IntentTruth[];
  event_count: number;
  webhook_endpoints: Array<Omit<WebhookEndpoint, 'secret'>>;
}

export function intentTruth(state: SimState, id: string, refunds?: WireRefund[]): IntentTruth | undefined {
  const r = state.intents.get(id);
  if (!r) return undefined;
  return {
    payment_intent: r.pi,
    captures: r.captures,
    charge: r.pi.latest_charge ? (state.charges.get(r.pi.latest_charge) ?? null) : null,
    refunds: refunds ?? state.refunds.newestFirst().filter((x) => x.payment_intent === id),
  };
}

export function snapshot(state: SimState): SimSnapshot {
  const byIntent = new Map<string, WireRefund[]>();
  for (const refund of state.refunds.newestFirst()) {
    const list = byIntent.get(refund.payment_intent) ?? [];
    list.push(refund);
    byIntent.set(refund.payment_intent, list);
  }
  return {
    payment_intents: state.intents
      .newestFirst()
      .map((r) => intentTruth(state, r.pi.id, byIntent.get(r.pi.id) ?? []))
      .filter((t): t is IntentTruth => t !== undefined),
    event_count: state.events.size(),
    webhook_endpoints: state.endpoints.newestFirst().map(({ secret: _secret, ...rest }) => rest),
  };
}

export function addEndpoint(
  state: SimState,
  input: { url: string; secret?: string; enabledEvents?: string[] },
): WebhookEndpoint {
  const endpoint: WebhookEndpoint = {
    id: newId('we'),
    url: input.url,
    secret: input.secret ?? newId('whsec'),
    enabledEvents: input.enabledEvents ?? ['*'],
  };
  state.endpoints.put(endpoint.id, endpoint);
  return endpoint;
}

type EndpointBody = { url?: string; secret?: string; enabled_events?: string[] } | undefined;

function endpointFromBody(state: SimState, body: EndpointBody): WebhookEndpoint | null {
  const { url, secret, enabled_events } = body ?? {};
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
  const input: { url: string; secret?: string; enabledEvents?: string[] } = { url };
  if (secret !== undefined) input.secret = secret;
  if (enabled_events !== undefined) input.enabledEvents = enabled_events;
  // Like Stripe, the secret is shown once, to whoever creates the endpoint.
  return addEndpoint(state, input);
}

export function registerAdminRoutes(
  app: FastifyInstance,
  deps: { state: SimState; faults: FaultInjector; webhooks: WebhookDispatcher },
): void {
  const { state, faults, webhooks } = deps;
  app.get('/_sim/state', async () => snapshot(state));
  app.get<{ Params: { id: string } }>('/_sim/payment_intents/:id', async (req, reply) => {
    const found = intentTruth(state, req.params.id);
    return found ?? reply.code(404).send({ error: { type: 'invalid_request_error', message: 'not found' } });
  });
  app.get('/_sim/faults', async () => faults.config);
  app.post<{ Body: FaultOptions & { reset?: boolean } }>('/_sim/faults', async (req, reply) => {
    const { reset, ...options } = req.body ?? {};
    try {
      return faults.configure(options, reset === true);
    } catch (e) {
      return reply
        .code(400)
        .send({ error: { type: 'invalid_request_error', message: (e as Error).message } });
    }
  });
  app.post<{ Body: EndpointBody }>('/_sim/webhook_endpoints', async (req, reply) => {
    const created = endpointFromBody(state, req.body);
    return (
      created ??
      reply.code(400).send({ error: { type: 'invalid_request_error', message: 'url is required' } })
    );
  });
  app.get('/_sim/webhook_deliveries', async () => ({ data: webhooks.attempts }));
  // Forgets every object, event and idempotency key; webhook endpoints and faults stay.
  app.post('/_sim/reset', async () => {
    for (const c of [state.intents, state.charges, state.refunds, state.events, state.idempotency]) c.clear();
    return { reset: true };
  });
}
