import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PaymentCommand } from '../../../src/payments/domain/commands.js';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { decide, evolve, foldPayment, type PaymentState } from '../../../src/payments/domain/payment.js';
import { committedRefunds } from '../../../src/payments/domain/state.js';
import { ERROR_CATALOG } from '../../../src/shared/errorCatalog.js';
import { isPaystreamError } from '../../../src/shared/errors.js';
import { at, PAY } from './fixtures.js';

const amount = fc.integer({ min: 1, max: 1200 });
const refundId = fc.constantFrom('re_1', 're_2', 're_3', 're_4');
const providerId = fc.constantFrom('pi_1', 'pi_2');
const reason = fc.constantFrom(null, 'requested_by_customer', 'expired');
const refundStatus = fc.constantFrom('pending' as const, 'succeeded' as const, 'failed' as const);
const status = fc.constantFrom(
  'pending' as const,
  'processing' as const,
  'requires_capture' as const,
  'succeeded' as const,
  'failed' as const,
  'canceled' as const,
);

const t = at(1);

const providerRefunds = fc.array(
  fc.record({ refundId, providerRefundId: fc.option(fc.constant('pr_y')), amount, status: refundStatus }),
  { maxLength: 2 },
);

/** Mostly what a provider can report (amounts consistent with the status), sometimes nonsense. */
const correctionArb = fc
  .record({
    status,
    a: amount,
    b: amount,
    c: amount,
    refunds: providerRefunds,
    providerPaymentId: fc.option(providerId),
    nonsense: fc.integer({ min: 0, max: 9 }),
  })
  .map(({ status, a, b, c, refunds, providerPaymentId, nonsense }): PaymentCommand => {
    const ok = nonsense > 0;
    const succeeded = status === 'succeeded';
    return {
      type: 'CorrectFromProvider',
      source: 'reconciliation',
      providerPaymentId,
      status,
      amountCapturable: !ok || status === 'requires_capture' ? a : 0,
      amountCaptured: !ok || succeeded ? b : 0,
      amountRefunded: !ok ? c : succeeded ? Math.min(b, c) : 0,
      failure: status === 'failed' ? { code: 'card_declined', declineCode: null, message: 'declined' } : null,
      refunds: !ok || succeeded ? refunds : [],
      reason: 'reconciliation',
      at: t,
    };
  });
const commandArb: fc.Arbitrary<PaymentCommand> = fc.oneof(
  fc.record({
    type: fc.constant('RecordSubmission' as const),
    providerPaymentId: fc.option(providerId),
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordAuthorization' as const),
    providerPaymentId: providerId,
    amountAuthorized: amount,
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordCapture' as const),
    providerPaymentId: providerId,
    amount,
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordFailure' as const),
    providerPaymentId: fc.option(providerId),
    code: fc.constant('card_declined'),
    declineCode: fc.option(fc.constant('generic_decline')),
    message: fc.constant('declined'),
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RequestCapture' as const),
    amount: fc.option(amount, { nil: undefined }),
    at: fc.constant(t),
  }),
  fc.record({ type: fc.constant('RequestCancel' as const), reason, at: fc.constant(t) }),
  fc.record({
    type: fc.constant('RecordCancellation' as const),
    reason: fc.option(reason, { nil: undefined }),
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordCaptureRejection' as const),
    amount,
    code: fc.constant('amount_too_large'),
    message: fc.constant('refused'),
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordCancelRejection' as const),
    code: fc.constant('payment_intent_unexpected_state'),
    message: fc.constant('refused'),
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RequestRefund' as const),
    refundId,
    amount: fc.option(amount, { nil: undefined }),
    reason,
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordRefundSucceeded' as const),
    refundId,
    providerRefundId: fc.constant('pr_x'),
    at: fc.constant(t),
  }),
  fc.record({
    type: fc.constant('RecordRefundFailed' as const),
    refundId,
    code: fc.constant(null),
    message: fc.constant('failed'),
    at: fc.constant(t),
  }),
  correctionArb,
);

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
const scenarioArb = fc.record({
  requested: fc.integer({ min: 10, max: 1000 }),
  captureMethod: fc.constantFrom('automatic' as const, 'manual' as const),
  commands: fc.array(commandArb, { maxLength: 30 }),
  cut: fc.nat(),
});

function run(s: Scenario): { events: PaymentEvent[]; state: PaymentState } {
  const start: PaymentCommand = {
    type: 'RequestPayment',
    paymentId: PAY,
    amount: s.requested,
    currency: 'usd',
    captureMethod: s.captureMethod,
    paymentMethod: 'pm_card_visa',
    customer: null,
    description: null,
    metadata: {},
    at: at(0),
  };
  const events: PaymentEvent[] = [];
  let state: PaymentState | null = null;
  let corrected = false;
  for (const c of [start, ...s.commands]) {
    let decided: PaymentEvent[];
    try {
      decided = decide(c, state);
    } catch (e) {
      assert.ok(
        isPaystreamError(e) && e.code in ERROR_CATALOG,
        `typed error with a catalog code: ${String(e)}`,
      );
      continue;
    }
    for (const e of decided) state = evolve(state, e);
    events.push(...decided);
    corrected ||= c.type === 'CorrectFromProvider' && decided.length > 0;
    assert.ok(state);
    checkInvariants(state, corrected);
  }
  assert.ok(state);
  return { events, state };
}

function checkInvariants(s: PaymentState, corrected: boolean): void {
  assert.ok(s.amountCaptured <= s.amountAuthorized, 'captured <= authorized');
  assert.ok(s.amountAuthorized <= s.amount, 'authorized <= requested');
  assert.ok(s.amountRefunded <= s.amountCaptured, 'refunded <= captured');
  assert.ok(s.amountCapturable <= s.amount, 'capturable <= requested');
  // Corrections set the provider's figures as given; without them our own bookkeeping holds.
  if (!corrected)
    assert.ok(committedRefunds(s) <= s.amountCaptured, 'pending + succeeded refunds <= captured');
}

test('for any command sequence: captured <= authorized <= requested and refunded <= captured', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => void run(s)),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
  );
});

test('state from all events equals state from a JSON round-tripped snapshot plus the tail', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const { events, state } = run(s);
      assert.deepStrictEqual(foldPayment(events), state);
      const cut = s.cut % (events.length + 1);
      const snapshot = JSON.parse(JSON.stringify(foldPayment(events.slice(0, cut)))) as PaymentState | null;
      assert.deepStrictEqual(foldPayment(events.slice(cut), snapshot), state);
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
  );
});
