/**
 * The provider port implemented directly on the raw Stripe SDK, without the StripeProvider adapter,
 * so the contract scenarios also drive the simulator "through the official SDK". On the way it
 * checks every object the simulator answers with against Stripe's wire shape.
 */
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import type {
  PaymentProvider,
  ProviderEvent,
  ProviderPayment,
  ProviderRefund,
  ProviderResult,
} from '../../../src/payments/provider/port.js';

const PREFIX: Record<string, string> = { payment_intent: 'pi_', refund: 're_', event: 'evt_', charge: 'ch_' };

/** Stripe's wire invariants: id prefix by `object`, livemode false, integer `created`. */
function checkWire(obj: { id: string; object: string; created: number; livemode?: boolean }): void {
  const prefix = PREFIX[obj.object];
  assert.ok(prefix, `unexpected object type ${obj.object}`);
  assert.ok(obj.id.startsWith(prefix), `${obj.object} id ${obj.id} starts with ${prefix}`);
  assert.ok(Number.isInteger(obj.created) && obj.created > 1_600_000_000, 'created is unix seconds');
  if ('livemode' in obj) assert.equal(obj.livemode, false);
}

function payment(pi: Stripe.PaymentIntent): ProviderPayment {
  checkWire(pi);
  const e = pi.last_payment_error;
  return {
    id: pi.id,
    status: pi.status as ProviderPayment['status'],
    amount: pi.amount,
    amountCapturable: pi.amount_capturable,
    amountReceived: pi.amount_received,
    currency: pi.currency,
    captureMethod: pi.capture_method === 'manual' ? 'manual' : 'automatic',
    cancellationReason: pi.cancellation_reason,
    lastError: e
      ? { code: e.code ?? e.type, declineCode: e.decline_code ?? null, message: e.message ?? '' }
      : null,
    metadata: pi.metadata,
    created: pi.created,
  };
}

function refund(r: Stripe.Refund): ProviderRefund {
  checkWire({ ...r, livemode: false });
  return {
    id: r.id,
    paymentId: String(r.payment_intent),
    amount: r.amount,
    status: r.status as ProviderRefund['status'],
    reason: r.reason,
    failureReason: r.failure_reason ?? null,
    metadata: r.metadata ?? {},
    created: r.created,
  };
}

function event(e: Stripe.Event): ProviderEvent {
  checkWire(e);
  const obj = e.data.object as { object: string };
  const object: ProviderEvent['object'] =
    obj.object === 'payment_intent'
      ? { kind: 'payment', payment: payment(obj as Stripe.PaymentIntent) }
      : obj.object === 'refund'
        ? { kind: 'refund', refund: refund(obj as Stripe.Refund) }
        : { kind: 'other' };
  return { id: e.id, type: e.type, created: e.created, object };
}

async function attempt<T>(fn: () => Promise<T>): Promise<ProviderResult<T>> {
  try {
    return { outcome: 'ok', value: await fn() };
  } catch (err) {
    const e = err as Stripe.errors.StripeError;
    assert.ok(e.requestId?.startsWith('req_'), 'every error answer carries a Request-Id');
    if (e.statusCode === 402) {
      const pi = e.payment_intent as Stripe.PaymentIntent | undefined;
      const failure = { code: e.code ?? '', declineCode: e.decline_code ?? null, message: e.message };
      return { outcome: 'declined', failure, payment: pi ? payment(pi) : null };
    }
    const status = e.statusCode ?? 0;
    if (status === 0 || status >= 500 || status === 429 || status === 409) {
      return { outcome: 'retryable', reason: e.message, status: status || null };
    }
    return { outcome: 'permanent', code: e.code ?? e.rawType ?? '', message: e.message, status };
  }
}

function page(req: { createdGte?: number; limit?: number; startingAfter?: string }) {
  return {
    ...(req.createdGte !== undefined ? { created: { gte: req.createdGte } } : {}),
    ...(req.limit !== undefined ? { limit: req.limit } : {}),
    ...(req.startingAfter !== undefined ? { starting_after: req.startingAfter } : {}),
  };
}

export function rawSdkProvider(stripe: Stripe): PaymentProvider {
  return {
    createPayment: (r) =>
      attempt(async () => {
        const params = {
          amount: r.amount,
          currency: r.currency,
          payment_method: r.paymentMethod,
          confirm: true,
          capture_method: r.captureMethod,
          metadata: r.metadata,
        };
        return payment(await stripe.paymentIntents.create(params, { idempotencyKey: r.idempotencyKey }));
      }),
    capture: (id, r) =>
      attempt(async () => {
        const params = r.amountToCapture !== undefined ? { amount_to_capture: r.amountToCapture } : {};
        return payment(await stripe.paymentIntents.capture(id, params, { idempotencyKey: r.idempotencyKey }));
      }),
    cancel: (id, r) =>
      attempt(async () => {
        const params = r.reason ? { cancellation_reason: r.reason as 'requested_by_customer' } : {};
        return payment(await stripe.paymentIntents.cancel(id, params, { idempotencyKey: r.idempotencyKey }));
      }),
    refund: (r) =>
      attempt(async () => {
        const params: Stripe.RefundCreateParams = {
          payment_intent: r.providerPaymentId,
          metadata: r.metadata,
        };
        if (r.amount !== undefined) params.amount = r.amount;
        if (r.reason) params.reason = r.reason as Stripe.RefundCreateParams.Reason;
        return refund(await stripe.refunds.create(params, { idempotencyKey: r.idempotencyKey }));
      }),
    retrievePayment: (id) => attempt(async () => payment(await stripe.paymentIntents.retrieve(id))),
    retrieveRefund: (id) => attempt(async () => refund(await stripe.refunds.retrieve(id))),
    listRefunds: (id) =>
      attempt(async () => {
        const all = await stripe.refunds
          .list({ payment_intent: id, limit: 2 })
          .autoPagingToArray({ limit: 1000 });
        return all.map(refund);
      }),
    listPayments: (r) =>
      attempt(async () => {
        const list = await stripe.paymentIntents.list(page(r));
        assert.equal(list.object, 'list');
        assert.equal(list.url, '/v1/payment_intents');
        return { data: list.data.map(payment), hasMore: list.has_more };
      }),
    listEvents: (r) =>
      attempt(async () => {
        const list = await stripe.events.list(page(r));
        assert.equal(list.url, '/v1/events');
        return { data: list.data.map(event), hasMore: list.has_more };
      }),
  };
}
