/**
 * Turns what the Stripe SDK throws into the port's outcome values:
 * card errors → declined; timeouts, connection errors, 5xx, 429 and 409 → retryable;
 * any other 4xx → permanent. 409 is Stripe's "idempotency key in use": retrying later is right.
 */
import Stripe from 'stripe';
import type { ProviderResult } from '../port.js';
import { toProviderPayment } from './mapping.js';

type Failure = Exclude<ProviderResult<never>, { outcome: 'ok' }>;

export function isStripeError(e: unknown): e is Stripe.errors.StripeError {
  return e instanceof Stripe.errors.StripeError;
}

function cardFailure(e: Stripe.errors.StripeError): Failure {
  const pi = e.payment_intent as Stripe.PaymentIntent | undefined;
  return {
    outcome: 'declined',
    failure: { code: e.code ?? 'card_declined', declineCode: e.decline_code ?? null, message: e.message },
    payment: pi && typeof pi === 'object' && pi.id ? toProviderPayment(pi) : null,
  };
}

export function failureOf(e: unknown): Failure {
  if (!isStripeError(e)) throw e;
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  if (e instanceof Stripe.errors.StripeCardError || status === 402) return cardFailure(e);
  if (e instanceof Stripe.errors.StripeConnectionError || status === null) {
    return { outcome: 'retryable', reason: e.message || 'connection error', status: null };
  }
  if (status >= 500 || status === 429 || status === 409) {
    return { outcome: 'retryable', reason: e.message, status };
  }
  return { outcome: 'permanent', code: e.code ?? e.rawType ?? 'unknown', message: e.message, status };
}
