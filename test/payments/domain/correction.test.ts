import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deciderSpec } from '../../../src/eventsourcing/testing/deciderSpec.js';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { paymentDecider } from '../../../src/payments/domain/payment.js';
import { at, cmd, ev, PAY, PI } from './fixtures.js';

const spec = deciderSpec(paymentDecider);
const processing = [ev.requested(), ev.submitted()];
const succeeded = [...processing, ev.captured()];

function correctedEvent(c: ReturnType<typeof cmd.correct>): PaymentEvent {
  const { type: _t, at: correctedAt, ...rest } = c;
  return { type: 'ProviderStateCorrected', data: { paymentId: PAY, ...rest, correctedAt } };
}

describe('CorrectFromProvider', () => {
  test('emits nothing when the provider agrees with the state', () => {
    spec.given(succeeded).when(cmd.correct()).thenNothing();
  });
  test('a capture we missed: processing → succeeded with the provider amounts', () => {
    const c = cmd.correct();
    spec
      .given(processing)
      .when(c)
      .then([correctedEvent(c)]);
    spec
      .given(processing)
      .when(c)
      .thenState((s) => {
        assert.equal(s?.status, 'succeeded');
        assert.equal(s?.amountCaptured, 1000);
        assert.equal(s?.updatedAt, at(9));
      });
  });
  test('a refund status the provider knows better is corrected, amount refunded set as given', () => {
    const given = [...succeeded, ev.refundRequested('re_1', 300)];
    const c = cmd.correct({
      amountRefunded: 300,
      refunds: [{ refundId: 're_1', providerRefundId: 'pr_1', amount: 300, status: 'succeeded' }],
    });
    spec
      .given(given)
      .when(c)
      .then([correctedEvent(c)]);
    spec
      .given(given)
      .when(c)
      .thenState((s) => {
        assert.equal(s?.amountRefunded, 300);
        assert.deepEqual(
          s?.refunds.map((r) => [r.id, r.status, r.providerRefundId]),
          [['re_1', 'succeeded', 'pr_1']],
        );
      });
  });
  test('a refund made at the provider only is added', () => {
    const c = cmd.correct({
      amountRefunded: 100,
      refunds: [{ refundId: 're_ext', providerRefundId: 'pr_ext', amount: 100, status: 'succeeded' }],
    });
    spec
      .given(succeeded)
      .when(c)
      .thenState((s) =>
        assert.deepEqual(
          s?.refunds.map((r) => [r.id, r.amount, r.created]),
          [['re_ext', 100, at(9)]],
        ),
      );
  });
  test('a failure we missed sets status and failure', () => {
    const failure = { code: 'card_declined', declineCode: null, message: 'declined' };
    const c = cmd.correct({ status: 'failed', amountCaptured: 0, failure });
    spec
      .given(processing)
      .when(c)
      .thenState((s) => {
        assert.equal(s?.status, 'failed');
        assert.deepEqual(s?.failure, failure);
      });
  });
  test('provider amounts out of range are PAY_INVALID_AMOUNT', () => {
    spec
      .given(processing)
      .when(cmd.correct({ amountCaptured: 1001 }))
      .thenThrows('PAY_INVALID_AMOUNT');
    spec
      .given(succeeded)
      .when(cmd.correct({ amountRefunded: 1001 }))
      .thenThrows('PAY_INVALID_AMOUNT');
    spec
      .given(succeeded)
      .when(cmd.correct({ amountCaptured: -1 }))
      .thenThrows('PAY_INVALID_AMOUNT');
  });
  test('amounts inconsistent with the status are PAY_VALIDATION', () => {
    spec
      .given(processing)
      .when(cmd.correct({ status: 'processing', amountCaptured: 500 }))
      .thenThrows('PAY_VALIDATION');
    spec
      .given(processing)
      .when(cmd.correct({ amountCapturable: 100 }))
      .thenThrows('PAY_VALIDATION');
    spec
      .given(processing)
      .when(cmd.correct({ status: 'requires_capture', amountCaptured: 0, amountCapturable: 0 }))
      .thenThrows('PAY_VALIDATION');
  });
  test('an unknown status is PAY_VALIDATION', () => {
    spec
      .given(processing)
      .when(cmd.correct({ status: 'lost' as never }))
      .thenThrows('PAY_VALIDATION');
  });
  test('the provider id is corrected when it differs', () => {
    const c = cmd.correct({ providerPaymentId: 'pi_real' });
    spec
      .given(succeeded)
      .when(c)
      .thenState((s) => assert.equal(s?.providerPaymentId, 'pi_real'));
    assert.notEqual(PI, 'pi_real');
  });
});
