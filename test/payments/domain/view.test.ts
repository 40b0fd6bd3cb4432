import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldPayment, outboxFor, toPaymentView } from '../../../src/payments/domain/payment.js';
import { at, ev, PAY, PI } from './fixtures.js';

const payloadOf = (m: { payload: unknown } | undefined) => (m?.payload ?? {}) as Record<string, unknown>;

test('toPaymentView maps every field of the state', () => {
  const state = foldPayment([
    ev.requested(),
    ev.submitted(),
    ev.captured(),
    ev.refundRequested('re_1', 300),
    ev.refundSucceeded('re_1'),
    ev.refundRequested('re_2', 100),
    ev.refundFailed('re_2', 9),
  ]);
  assert.ok(state);
  assert.deepStrictEqual(toPaymentView(state, 7), {
    id: PAY,
    object: 'payment',
    status: 'succeeded',
    amount: 1000,
    amount_capturable: 0,
    amount_captured: 1000,
    amount_refunded: 300,
    amount_net: 700,
    currency: 'eur',
    capture_method: 'automatic',
    payment_method: 'pm_card_visa',
    customer: 'cus_1',
    description: 'order 42',
    metadata: { order: '42' },
    failure_code: null,
    decline_code: null,
    failure_message: null,
    cancellation_reason: null,
    refunds: [
      {
        id: 're_1',
        amount: 300,
        status: 'succeeded',
        reason: null,
        provider_refund_id: 'pr_re_1',
        failure_message: null,
        created: at(7),
      },
      {
        id: 're_2',
        amount: 100,
        status: 'failed',
        reason: null,
        provider_refund_id: null,
        failure_message: 'card expired',
        created: at(7),
      },
    ],
    provider_payment_id: PI,
    created: at(0),
    updated: at(9),
    version: 7,
  });
});

test('toPaymentView of a failed and of a canceled payment', () => {
  const failed = foldPayment([ev.requested(), ev.submitted(), ev.failed()])!;
  const v = toPaymentView(failed, 3);
  assert.deepEqual(
    [v.status, v.failure_code, v.decline_code, v.failure_message],
    ['failed', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
  );
  const authorized = foldPayment([ev.manual(), ev.submitted(), ev.authorized(800)])!;
  assert.equal(toPaymentView(authorized, 3).amount_capturable, 800);
  const canceled = foldPayment([
    ev.manual(),
    ev.submitted(),
    ev.authorized(),
    ev.cancelRequested('abandoned'),
    ev.canceled('abandoned'),
  ])!;
  const c = toPaymentView(canceled, 5);
  assert.deepEqual([c.status, c.cancellation_reason, c.amount_capturable], ['canceled', 'abandoned', 0]);
});

test('outboxFor asks the provider for each intent, keyed by the event id', () => {
  const events = [ev.manual(), ev.submitted(), ev.authorized(), ev.captureRequested(600)];
  const state = foldPayment(events);
  const msgs = outboxFor(
    [
      { id: 'e1', event: events[0]! },
      { id: 'e2', event: events[1]! },
      { id: 'e4', event: events[3]! },
    ],
    state,
  );
  assert.deepEqual(
    msgs.map((m) => [m.kind, m.dedupKey]),
    [
      ['provider.create_payment', 'provider.create_payment:e1'],
      ['provider.capture', 'provider.capture:e4'],
    ],
  );
  assert.deepEqual(msgs[0]?.payload, {
    paymentId: PAY,
    providerPaymentId: PI,
    currency: 'eur',
    paymentMethod: 'pm_card_visa',
    captureMethod: 'manual',
    customer: 'cus_1',
    description: 'order 42',
    metadata: { order: '42' },
    amount: 1000,
    idempotencyKey: 'e1',
  });
  assert.equal(payloadOf(msgs[1]).amount, 600);
});

test('outboxFor: cancel and refund carry the reason and the refund id', () => {
  const cancel = ev.cancelRequested('fraudulent');
  const s1 = foldPayment([ev.manual(), ev.submitted(), ev.authorized(), cancel]);
  const [m1] = outboxFor([{ id: 'c1', event: cancel }], s1);
  assert.equal(m1?.kind, 'provider.cancel');
  assert.equal(m1?.dedupKey, 'provider.cancel:c1');
  assert.deepEqual([payloadOf(m1).reason, payloadOf(m1).idempotencyKey], ['fraudulent', 'c1']);
  const refund = ev.refundRequested('re_1', 250);
  const s2 = foldPayment([ev.requested(), ev.submitted(), ev.captured(), refund]);
  const [m2] = outboxFor([{ id: 'r1', event: refund }], s2);
  assert.equal(m2?.kind, 'provider.refund');
  const p = payloadOf(m2);
  assert.deepEqual(
    [p.refundId, p.amount, p.currency, p.providerPaymentId, p.idempotencyKey],
    ['re_1', 250, 'eur', PI, 'r1'],
  );
});

test('outboxFor asks for nothing on outcomes', () => {
  const events = [ev.requested(), ev.submitted(), ev.captured()];
  const state = foldPayment(events);
  assert.deepEqual(outboxFor([{ id: 'x', event: events[2]! }], state), []);
  assert.deepEqual(outboxFor([], null), []);
});
