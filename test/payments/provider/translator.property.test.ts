/**
 * Property: whatever our state (any prefix of a payment's life) and whatever the provider says
 * (any status and amounts that raise no conflict), settling in reconciliation mode brings our state
 * to the provider's status and amounts, and settling the same truth again writes nothing.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { decide, evolve, foldPayment, type PaymentState } from '../../../src/payments/domain/payment.js';
import type { ProviderPayment, ProviderRefund } from '../../../src/payments/provider/port.js';
import { settle, truthOf } from '../../../src/payments/provider/translator.js';

const AT = '2026-01-01T00:00:00.000Z';
const AMOUNT = 1000;

function localState(step: number, manual: boolean, refund: number, authorized: number): PaymentState {
  const events: PaymentEvent[] = [
    {
      type: 'PaymentRequested',
      data: {
        paymentId: 'pay_1',
        amount: AMOUNT,
        currency: 'eur',
        captureMethod: manual ? 'manual' : 'automatic',
        paymentMethod: 'pm_card_visa',
        customer: null,
        description: null,
        metadata: {},
        requestedAt: AT,
      },
    },
    { type: 'PaymentSubmitted', data: { paymentId: 'pay_1', providerPaymentId: 'pi_1', submittedAt: AT } },
    manual
      ? {
          type: 'PaymentAuthorized',
          data: {
            paymentId: 'pay_1',
            providerPaymentId: 'pi_1',
            amountAuthorized: authorized,
            authorizedAt: AT,
          },
        }
      : {
          type: 'PaymentCaptured',
          data: { paymentId: 'pay_1', providerPaymentId: 'pi_1', amount: AMOUNT, capturedAt: AT },
        },
  ];
  if (!manual && refund > 0) {
    events.push({
      type: 'RefundRequested',
      data: { paymentId: 'pay_1', refundId: 'ref_1', amount: refund, reason: null, requestedAt: AT },
    });
  }
  return foldPayment(events.slice(0, step + 1))!;
}

const truthArb = fc.record({
  status: fc.constantFrom('processing', 'requires_capture', 'succeeded', 'canceled', 'failed'),
  captured: fc.integer({ min: 1, max: AMOUNT }),
  capturable: fc.integer({ min: 1, max: AMOUNT }),
  refund: fc.option(
    fc.record({
      amount: fc.integer({ min: 1, max: 300 }),
      status: fc.constantFrom('pending', 'succeeded', 'failed'),
    }),
    { nil: null },
  ),
});

type Truth = {
  status: string;
  captured: number;
  capturable: number;
  refund: { amount: number; status: string } | null;
};

function providerView(t: Truth, hasLocalRefund: boolean): [ProviderPayment, ProviderRefund[]] {
  const succeeded = t.status === 'succeeded';
  const pi: ProviderPayment = {
    id: 'pi_1',
    status: t.status === 'failed' ? 'requires_payment_method' : (t.status as ProviderPayment['status']),
    amount: AMOUNT,
    amountCapturable: t.status === 'requires_capture' ? t.capturable : 0,
    amountReceived: succeeded ? t.captured : 0,
    currency: 'eur',
    captureMethod: 'automatic',
    cancellationReason: null,
    lastError:
      t.status === 'failed' ? { code: 'card_declined', declineCode: null, message: 'declined' } : null,
    metadata: { paystream_payment_id: 'pay_1' },
    created: 1,
  };
  const refunds: ProviderRefund[] =
    succeeded && t.refund && hasLocalRefund && t.refund.amount <= t.captured
      ? [
          {
            id: 're_1',
            paymentId: 'pi_1',
            amount: t.refund.amount,
            status: t.refund.status as ProviderRefund['status'],
            reason: null,
            failureReason: null,
            metadata: { paystream_refund_id: 'ref_1' },
            created: 2,
          },
        ]
      : [];
  return [pi, refunds];
}

function apply(s: PaymentState, commands: ReturnType<typeof settle>['commands']): [PaymentState, number] {
  let state: PaymentState | null = s;
  let written = 0;
  for (const c of commands) {
    for (const e of decide(c, state)) {
      state = evolve(state, e);
      written += 1;
    }
  }
  return [state!, written];
}

it('reconciliation settles any state onto any consistent provider truth, and is idempotent', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 1, max: AMOUNT }),
      truthArb,
      (step, manual, refund, authorized, t) => {
        const s = localState(step, manual, refund, authorized);
        const hasLocalRefund = s.refunds.length > 0;
        const [pi, refunds] = providerView(t, hasLocalRefund);
        const truth = truthOf(pi, refunds);
        const out = settle(s, truth, {
          source: 'reconciliation',
          at: AT,
          reason: 'property',
          forwardOnly: false,
        });
        if (out.conflicts.length > 0) return;
        const [after] = apply(s, out.commands);
        assert.equal(after.status, truth.status);
        assert.equal(after.amountCaptured, truth.amountCaptured);
        assert.equal(after.amountRefunded, truth.amountRefunded);
        assert.equal(after.amountCapturable, truth.amountCapturable);
        const again = settle(after, truth, {
          source: 'reconciliation',
          at: AT,
          reason: 'property',
          forwardOnly: false,
        });
        assert.equal(apply(after, again.commands)[1], 0, 'a second settle writes nothing');
      },
    ),
    { numRuns: 500 },
  );
});

const RANK: Record<string, number> = {
  pending: 0,
  processing: 1,
  requires_capture: 2,
  succeeded: 3,
  failed: 3,
  canceled: 3,
};

it('a webhook settles forward only: never a lower status, captured or refunded amount', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 1, max: AMOUNT }),
      truthArb,
      (step, manual, refund, authorized, t) => {
        const s = localState(step, manual, refund, authorized);
        const [pi, refunds] = providerView(t, s.refunds.length > 0);
        const out = settle(s, truthOf(pi, refunds), {
          source: 'webhook',
          at: AT,
          reason: 'property',
          forwardOnly: true,
        });
        const [after] = apply(s, out.commands);
        assert.ok(RANK[after.status]! >= RANK[s.status]!, `${s.status} → ${after.status}`);
        assert.ok(after.amountCaptured >= s.amountCaptured);
        assert.ok(after.amountRefunded >= s.amountRefunded);
      },
    ),
    { numRuns: 500 },
  );
});
