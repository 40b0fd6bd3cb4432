import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deciderSpec } from '../../../src/eventsourcing/testing/deciderSpec.js';
import { paymentDecider } from '../../../src/payments/domain/payment.js';
import { cmd, ev } from './fixtures.js';

const spec = deciderSpec(paymentDecider);
const succeeded = [ev.requested(), ev.submitted(), ev.captured()];
const partlyCaptured = [
  ev.manual(),
  ev.submitted(),
  ev.authorized(),
  ev.captureRequested(600),
  ev.captured(600),
];

describe('RequestRefund', () => {
  test('defaults to everything refundable', () => {
    spec
      .given(succeeded)
      .when(cmd.refund('re_1'))
      .then([ev.refundRequested('re_1', 1000)]);
  });
  test('several partial refunds up to the captured amount', () => {
    const given = [...succeeded, ev.refundRequested('re_1', 300), ev.refundSucceeded('re_1')];
    spec
      .given(given)
      .when(cmd.refund('re_2', 700))
      .then([ev.refundRequested('re_2', 700)]);
    spec.given(given).when(cmd.refund('re_2', 701)).thenThrows('PAY_REFUND_EXCEEDS_CAPTURED');
  });
  test('pending refunds count against the captured amount, failed ones do not', () => {
    const pending = [...succeeded, ev.refundRequested('re_1', 800)];
    spec.given(pending).when(cmd.refund('re_2', 201)).thenThrows('PAY_REFUND_EXCEEDS_CAPTURED');
    spec
      .given([...pending, ev.refundFailed('re_1')])
      .when(cmd.refund('re_2', 1000))
      .then([ev.refundRequested('re_2', 1000)]);
  });
  test('a partial capture limits refunds to the captured amount', () => {
    spec.given(partlyCaptured).when(cmd.refund('re_1', 601)).thenThrows('PAY_REFUND_EXCEEDS_CAPTURED');
    spec
      .given(partlyCaptured)
      .when(cmd.refund('re_1'))
      .then([ev.refundRequested('re_1', 600)]);
  });
  test('nothing left to refund is PAY_REFUND_EXCEEDS_CAPTURED', () => {
    spec
      .given([...succeeded, ev.refundRequested('re_1', 1000)])
      .when(cmd.refund('re_2'))
      .thenThrows('PAY_REFUND_EXCEEDS_CAPTURED');
  });
  test('a refund of a payment not succeeded is PAY_REFUND_NOT_ALLOWED', () => {
    spec
      .given([ev.manual(), ev.submitted(), ev.authorized()])
      .when(cmd.refund('re_1'))
      .thenThrows('PAY_REFUND_NOT_ALLOWED');
    spec
      .given([ev.requested(), ev.submitted(), ev.failed()])
      .when(cmd.refund('re_1'))
      .thenThrows('PAY_REFUND_NOT_ALLOWED');
  });
  test('an invalid amount is PAY_INVALID_AMOUNT; a reused refund id PAY_INVALID_TRANSITION', () => {
    spec.given(succeeded).when(cmd.refund('re_1', 0)).thenThrows('PAY_INVALID_AMOUNT');
    spec.given(succeeded).when(cmd.refund('re_1', 2.5)).thenThrows('PAY_INVALID_AMOUNT');
    spec
      .given([...succeeded, ev.refundRequested('re_1', 100)])
      .when(cmd.refund('re_1', 100))
      .thenThrows('PAY_INVALID_TRANSITION');
  });
});

describe('refund outcomes', () => {
  const pending = [...succeeded, ev.refundRequested('re_1', 400)];
  test('pending → succeeded, and a duplicate emits nothing', () => {
    spec
      .given(pending)
      .when(cmd.refundSucceeded('re_1'))
      .then([ev.refundSucceeded('re_1')]);
    spec
      .given([...pending, ev.refundSucceeded('re_1')])
      .when(cmd.refundSucceeded('re_1', 'pr_re_1', 9))
      .thenNothing();
  });
  test('pending → failed, and a duplicate emits nothing', () => {
    spec
      .given(pending)
      .when(cmd.refundFailed('re_1'))
      .then([ev.refundFailed('re_1')]);
    spec
      .given([...pending, ev.refundFailed('re_1')])
      .when(cmd.refundFailed('re_1', 9))
      .thenNothing();
  });
  test('contradicting outcomes are PAY_INVALID_TRANSITION', () => {
    spec
      .given([...pending, ev.refundFailed('re_1')])
      .when(cmd.refundSucceeded('re_1'))
      .thenThrows('PAY_INVALID_TRANSITION');
    spec
      .given([...pending, ev.refundSucceeded('re_1')])
      .when(cmd.refundFailed('re_1'))
      .thenThrows('PAY_INVALID_TRANSITION');
    spec
      .given([...pending, ev.refundSucceeded('re_1')])
      .when(cmd.refundSucceeded('re_1', 'pr_other'))
      .thenThrows('PAY_INVALID_TRANSITION');
  });
  test('an unknown refund is PAY_UNKNOWN_REFUND', () => {
    spec.given(pending).when(cmd.refundSucceeded('re_9')).thenThrows('PAY_UNKNOWN_REFUND');
    spec.given(pending).when(cmd.refundFailed('re_9')).thenThrows('PAY_UNKNOWN_REFUND');
  });
  test('amount refunded counts succeeded refunds only', () => {
    const given = [
      ...succeeded,
      ev.refundRequested('re_1', 100),
      ev.refundRequested('re_2', 200),
      ev.refundRequested('re_3', 300),
      ev.refundSucceeded('re_1'),
      ev.refundFailed('re_2'),
    ];
    spec
      .given(given)
      .when(cmd.refundSucceeded('re_3'))
      .thenState((s) => {
        assert.equal(s?.amountRefunded, 400);
        assert.deepEqual(
          s?.refunds.map((r) => [r.id, r.status, r.providerRefundId]),
          [
            ['re_1', 'succeeded', 'pr_re_1'],
            ['re_2', 'failed', null],
            ['re_3', 'succeeded', 'pr_re_3'],
          ],
        );
      });
  });
});
