import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { decide, evolve, foldPayment, type PaymentState } from '../../../src/payments/domain/payment.js';
import type { ProviderPayment, ProviderRefund } from '../../../src/payments/provider/port.js';
import { type SettleOptions, settle, statusOf, truthOf } from '../../../src/payments/provider/translator.js';

const AT = '2026-01-01T00:00:00.000Z';
const webhook: SettleOptions = { source: 'webhook', at: AT, reason: 'test', forwardOnly: true };
const recon: SettleOptions = { ...webhook, source: 'reconciliation', forwardOnly: false };

function requested(captureMethod: 'automatic' | 'manual' = 'automatic'): PaymentState {
  const e: PaymentEvent = {
    type: 'PaymentRequested',
    data: {
      paymentId: 'pay_1',
      amount: 1000,
      currency: 'eur',
      captureMethod,
      paymentMethod: 'pm_card_visa',
      customer: null,
      description: null,
      metadata: {},
      requestedAt: AT,
    },
  };
  return foldPayment([e])!;
}

function pi(over: Partial<ProviderPayment> = {}): ProviderPayment {
  return {
    id: 'pi_1',
    status: 'succeeded',
    amount: 1000,
    amountCapturable: 0,
    amountReceived: 1000,
    currency: 'eur',
    captureMethod: 'automatic',
    cancellationReason: null,
    lastError: null,
    metadata: { paystream_payment_id: 'pay_1' },
    created: 1,
    ...over,
  };
}

function refund(over: Partial<ProviderRefund> = {}): ProviderRefund {
  return {
    id: 're_1',
    paymentId: 'pi_1',
    amount: 400,
    status: 'succeeded',
    reason: null,
    failureReason: null,
    metadata: { paystream_refund_id: 'ref_1', paystream_payment_id: 'pay_1' },
    created: 2,
    ...over,
  };
}

/** Runs the commands through the real decider, as the command handler would. */
function apply(s: PaymentState, commands: ReturnType<typeof settle>['commands']): [PaymentState, string[]] {
  const types: string[] = [];
  let state: PaymentState | null = s;
  for (const c of commands) {
    for (const e of decide(c, state)) {
      types.push(e.type);
      state = evolve(state, e);
    }
  }
  return [state!, types];
}

describe('translator (anti-corruption layer)', () => {
  it('maps provider statuses to ours; a declined intent is failed', () => {
    assert.equal(statusOf(pi()), 'succeeded');
    assert.equal(statusOf(pi({ status: 'requires_capture' })), 'requires_capture');
    assert.equal(
      statusOf(
        pi({
          status: 'requires_payment_method',
          lastError: { code: 'card_declined', declineCode: 'generic_decline', message: 'no' },
        }),
      ),
      'failed',
    );
    assert.equal(statusOf(pi({ status: 'requires_action' })), 'processing');
  });

  it('settles a succeeded intent on a pending payment with ordinary events, then nothing more', () => {
    const s = requested();
    const out = settle(s, truthOf(pi(), []), webhook);
    assert.deepEqual(out.conflicts, []);
    const [after, types] = apply(s, out.commands);
    assert.deepEqual(types, ['PaymentSubmitted', 'PaymentCaptured']);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.amountCaptured, 1000);
    const again = apply(after, settle(after, truthOf(pi(), []), webhook).commands);
    assert.deepEqual(again[1], [], 'settling the same truth twice writes nothing');
  });

  it('records authorization, failure and cancellation as their own events', () => {
    const manual = requested('manual');
    const auth = settle(
      manual,
      truthOf(pi({ status: 'requires_capture', amountCapturable: 1000, amountReceived: 0 }), null),
      webhook,
    );
    assert.deepEqual(apply(manual, auth.commands)[1], ['PaymentSubmitted', 'PaymentAuthorized']);
    const failure = {
      code: 'card_declined',
      declineCode: 'generic_decline',
      message: 'Your card was declined.',
    };
    const declined = pi({ status: 'requires_payment_method', amountReceived: 0, lastError: failure });
    const [failed, types] = apply(requested(), settle(requested(), truthOf(declined, []), webhook).commands);
    assert.deepEqual(types, ['PaymentSubmitted', 'PaymentFailed']);
    assert.equal(failed.failure?.code, 'card_declined');
    const canceled = pi({ status: 'canceled', amountReceived: 0 });
    assert.deepEqual(apply(manual, settle(manual, truthOf(canceled, []), webhook).commands)[1], [
      'PaymentSubmitted',
      'PaymentCanceled',
    ]);
  });

  it('records a refund outcome by our refund id', () => {
    let s = apply(requested(), settle(requested(), truthOf(pi(), []), webhook).commands)[0];
    s = evolve(s, {
      type: 'RefundRequested',
      data: { paymentId: 'pay_1', refundId: 'ref_1', amount: 400, reason: null, requestedAt: AT },
    })!;
    const [after, types] = apply(s, settle(s, truthOf(pi(), [refund()]), webhook).commands);
    assert.deepEqual(types, ['RefundSucceeded']);
    assert.equal(after.amountRefunded, 400);
  });

  it('a webhook never moves a payment backwards, reconciliation corrects to the provider', () => {
    const [captured] = apply(
      requested('manual'),
      settle(requested('manual'), truthOf(pi(), []), recon).commands,
    );
    const stale = truthOf(pi({ status: 'requires_capture', amountCapturable: 1000, amountReceived: 0 }), []);
    assert.deepEqual(apply(captured, settle(captured, stale, webhook).commands)[1], []);
    const [fixed, types] = apply(captured, settle(captured, stale, recon).commands);
    assert.deepEqual(types, ['ProviderStateCorrected']);
    assert.equal(fixed.status, 'requires_capture');
  });

  it('corrects where the provider is ahead in money: we said failed, it captured', () => {
    let s = requested();
    s = evolve(s, {
      type: 'PaymentFailed',
      data: {
        paymentId: 'pay_1',
        providerPaymentId: null,
        code: 'x',
        declineCode: null,
        message: 'x',
        failedAt: AT,
      },
    })!;
    const [after, types] = apply(s, settle(s, truthOf(pi(), []), recon).commands);
    assert.deepEqual(types, ['ProviderStateCorrected']);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.amountCaptured, 1000);
  });

  it('flags what no rule settles and applies nothing', () => {
    const s = requested();
    const more = settle(s, truthOf(pi({ amount: 5000, amountReceived: 5000 }), []), recon);
    assert.deepEqual(more.commands, []);
    assert.match(more.conflicts.join(';'), /captured 5000, more than the 1000 asked/);
    const foreign = settle(s, truthOf(pi(), [refund({ metadata: {} })]), recon);
    assert.match(foreign.conflicts.join(';'), /refunds made outside paystream: re_1/);
    const other = settle(s, truthOf(pi({ metadata: { paystream_payment_id: 'pay_2' } }), []), recon);
    assert.match(other.conflicts.join(';'), /belongs to pay_2/);
  });
});
