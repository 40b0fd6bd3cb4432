/**
 * Anti-corruption layer: Stripe's objects in, the port's types out. Nothing Stripe-shaped
 * leaves this folder.
 */
import type Stripe from 'stripe';
import type {
  ProviderEvent,
  ProviderFailure,
  ProviderPayment,
  ProviderPaymentStatus,
  ProviderRefund,
} from '../port.js';

const PAYMENT_STATUSES: readonly ProviderPaymentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'requires_capture',
  'processing',
  'succeeded',
  'canceled',
];

function paymentStatus(status: string): ProviderPaymentStatus {
  // An unknown future status is safest read as still in progress.
  return (PAYMENT_STATUSES as readonly string[]).includes(status)
    ? (status as ProviderPaymentStatus)
    : 'processing';
}

function idOf(value: string | { id: string } | null | undefined): string {
  if (value == null) return '';
  return typeof value === 'string' ? value : value.id;
}

export function toFailure(
  error: Stripe.PaymentIntent.LastPaymentError | null | undefined,
): ProviderFailure | null {
  if (!error) return null;
  return {
    code: error.code ?? error.type,
    declineCode: error.decline_code ?? null,
    message: error.message ?? '',
  };
}

export function toProviderPayment(pi: Stripe.PaymentIntent): ProviderPayment {
  return {
    id: pi.id,
    status: paymentStatus(pi.status),
    amount: pi.amount,
    amountCapturable: pi.amount_capturable,
    amountReceived: pi.amount_received,
    currency: pi.currency,
    captureMethod: pi.capture_method === 'manual' ? 'manual' : 'automatic',
    cancellationReason: pi.cancellation_reason ?? null,
    lastError: toFailure(pi.last_payment_error),
    metadata: { ...(pi.metadata ?? {}) },
    created: pi.created,
  };
}

function refundStatus(status: string | null): ProviderRefund['status'] {
  switch (status) {
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return status;
    default:
      // pending and requires_action both mean "not settled yet".
      return 'pending';
  }
}

export function toProviderRefund(refund: Stripe.Refund): ProviderRefund {
  return {
    id: refund.id,
    paymentId: idOf(refund.payment_intent),
    amount: refund.amount,
    status: refundStatus(refund.status),
    reason: refund.reason ?? null,
    failureReason: refund.failure_reason ?? null,
    metadata: { ...(refund.metadata ?? {}) },
    created: refund.created,
  };
}

export function toProviderEvent(event: Stripe.Event): ProviderEvent {
  const obj = event.data.object as { object?: string };
  let object: ProviderEvent['object'] = { kind: 'other' };
  if (obj.object === 'payment_intent') {
    object = { kind: 'payment', payment: toProviderPayment(obj as Stripe.PaymentIntent) };
  } else if (obj.object === 'refund') {
    object = { kind: 'refund', refund: toProviderRefund(obj as Stripe.Refund) };
  }
  return { id: event.id, type: event.type, created: event.created, object };
}

/** A PaymentIntent answered 200 but its confirmation failed on the card: still a decline. */
export function declineOf(pi: Stripe.PaymentIntent): ProviderFailure | null {
  const err = pi.last_payment_error;
  if (pi.status !== 'requires_payment_method' || !err || err.type !== 'card_error') return null;
  return toFailure(err);
}
