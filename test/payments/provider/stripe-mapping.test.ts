import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Stripe from 'stripe';
import {
  declineOf,
  toProviderEvent,
  toProviderPayment,
  toProviderRefund,
} from '../../../src/payments/provider/stripe/mapping.js';

function pi(overrides: Partial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent {
  return {
    id: 'pi_1',
    object: 'payment_intent',
    amount: 1000,
    amount_capturable: 0,
    amount_received: 1000,
    capture_method: 'automatic_async',
    cancellation_reason: null,
    created: 1_700_000_000,
    currency: 'usd',
    last_payment_error: null,
    metadata: { paystream_payment_id: 'p1' },
    status: 'succeeded',
    ...overrides,
  } as Stripe.PaymentIntent;
}

describe('Stripe → port mapping', () => {
  it('reads automatic_async as automatic capture', () => {
    assert.equal(toProviderPayment(pi()).captureMethod, 'automatic');
  });

  it('reads an unknown future status as processing', () => {
    assert.equal(
      toProviderPayment(pi({ status: 'something_new' as Stripe.PaymentIntent.Status })).status,
      'processing',
    );
  });

  it('treats a 200 PaymentIntent whose confirmation failed on the card as a decline', () => {
    const failed = pi({
      status: 'requires_payment_method',
      amount_received: 0,
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'fraudulent',
        message: 'no',
      },
    });
    assert.deepEqual(declineOf(failed), { code: 'card_declined', declineCode: 'fraudulent', message: 'no' });
    assert.equal(declineOf(pi()), null);
  });

  it('reads a refund in requires_action as pending and takes the payment id from an expanded intent', () => {
    const r = toProviderRefund({
      id: 're_1',
      object: 'refund',
      amount: 5,
      payment_intent: pi(),
      status: 'requires_action',
      reason: null,
      metadata: null,
      created: 1,
    } as unknown as Stripe.Refund);
    assert.equal(r.status, 'pending');
    assert.equal(r.paymentId, 'pi_1');
    assert.deepEqual(r.metadata, {});
  });

  it('gives events a payment, refund or other object', () => {
    const ev = (object: unknown, type: string) =>
      toProviderEvent({ id: 'evt_1', type, created: 2, data: { object } } as unknown as Stripe.Event);
    assert.equal(ev(pi(), 'payment_intent.succeeded').object.kind, 'payment');
    assert.equal(
      ev({ object: 'refund', id: 're_1', payment_intent: 'pi_1', created: 1 }, 'refund.created').object.kind,
      'refund',
    );
    assert.equal(ev({ object: 'charge', id: 'ch_1' }, 'charge.refunded').object.kind, 'other');
  });
});
