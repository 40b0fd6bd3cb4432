import { describe, test } from 'node:test';
import { deciderSpec } from '../../../src/eventsourcing/testing/deciderSpec.js';
import { paymentDecider } from '../../../src/payments/domain/payment.js';
import { at, cmd, ev, PI } from './fixtures.js';

const spec = deciderSpec(paymentDecider);
const processing = [ev.requested(), ev.submitted()];
const authorized = [ev.manual(), ev.submitted(), ev.authorized()];
const succeeded = [...processing, ev.captured()];
const failed = [...processing, ev.failed()];
const canceledFromPending = [ev.requested(), ev.canceled()];

describe('RequestCapture', () => {
  test('defaults to the full authorized amount', () => {
    spec
      .given(authorized)
      .when(cmd.requestCapture())
      .then([ev.captureRequested(1000)]);
  });
  test('a partial capture', () => {
    spec
      .given(authorized)
      .when(cmd.requestCapture(600))
      .then([ev.captureRequested(600)]);
  });
  test('above the authorized amount is PAY_CAPTURE_EXCEEDS_AUTHORIZED', () => {
    spec.given(authorized).when(cmd.requestCapture(1001)).thenThrows('PAY_CAPTURE_EXCEEDS_AUTHORIZED');
  });
  test('a zero amount is PAY_INVALID_AMOUNT', () => {
    spec.given(authorized).when(cmd.requestCapture(0)).thenThrows('PAY_INVALID_AMOUNT');
  });
  test('capturing twice is PAY_ALREADY_CAPTURED', () => {
    spec
      .given([...authorized, ev.captured()])
      .when(cmd.requestCapture())
      .thenThrows('PAY_ALREADY_CAPTURED');
  });
  test('a failed, processing or canceled payment is PAY_CAPTURE_NOT_ALLOWED', () => {
    spec.given(failed).when(cmd.requestCapture()).thenThrows('PAY_CAPTURE_NOT_ALLOWED');
    spec.given(processing).when(cmd.requestCapture()).thenThrows('PAY_CAPTURE_NOT_ALLOWED');
    spec.given(canceledFromPending).when(cmd.requestCapture()).thenThrows('PAY_CAPTURE_NOT_ALLOWED');
  });
  test('the same capture already in progress emits nothing; another amount is refused', () => {
    const pending = [...authorized, ev.captureRequested(1000)];
    spec.given(pending).when(cmd.requestCapture()).thenNothing();
    spec.given(pending).when(cmd.requestCapture(500)).thenThrows('PAY_CAPTURE_NOT_ALLOWED');
  });
  test('a capture while a cancel is in progress is PAY_CAPTURE_NOT_ALLOWED', () => {
    spec
      .given([...authorized, ev.cancelRequested()])
      .when(cmd.requestCapture())
      .thenThrows('PAY_CAPTURE_NOT_ALLOWED');
  });
});

describe('currency', () => {
  test('a command naming another currency than the payment is PAY_CURRENCY_MISMATCH', () => {
    spec
      .given(authorized)
      .when({ type: 'RequestCapture', currency: 'usd', at: at(3) })
      .thenThrows('PAY_CURRENCY_MISMATCH');
    spec
      .given(succeeded)
      .when({ type: 'RequestRefund', refundId: 're_1', reason: null, currency: 'gbp', at: at(7) })
      .thenThrows('PAY_CURRENCY_MISMATCH');
    spec
      .given(processing)
      .when({ type: 'RecordCapture', providerPaymentId: PI, amount: 1000, currency: 'jpy', at: at(4) })
      .thenThrows('PAY_CURRENCY_MISMATCH');
  });
  test('the same currency in any case is accepted', () => {
    spec
      .given(authorized)
      .when({ type: 'RequestCapture', currency: 'EUR', at: at(3) })
      .then([ev.captureRequested(1000)]);
  });
});

describe('RequestCancel and RecordCancellation', () => {
  test('pending → canceled at once (never sent)', () => {
    spec
      .given([ev.requested()])
      .when(cmd.requestCancel('duplicate', 6))
      .then([ev.canceled('duplicate', 6)]);
  });
  test('processing and requires_capture ask the provider first', () => {
    spec.given(processing).when(cmd.requestCancel()).then([ev.cancelRequested()]);
    spec
      .given(authorized)
      .when(cmd.requestCancel(null))
      .then([ev.cancelRequested(null)]);
  });
  test('a cancel already requested emits nothing', () => {
    spec
      .given([...authorized, ev.cancelRequested()])
      .when(cmd.requestCancel())
      .thenNothing();
  });
  test('a cancel during a capture, after capture, or of an ended payment is PAY_CANCEL_NOT_ALLOWED', () => {
    spec
      .given([...authorized, ev.captureRequested()])
      .when(cmd.requestCancel())
      .thenThrows('PAY_CANCEL_NOT_ALLOWED');
    spec.given(succeeded).when(cmd.requestCancel()).thenThrows('PAY_CANCEL_NOT_ALLOWED');
    spec.given(failed).when(cmd.requestCancel()).thenThrows('PAY_CANCEL_NOT_ALLOWED');
    spec.given(canceledFromPending).when(cmd.requestCancel()).thenThrows('PAY_CANCEL_NOT_ALLOWED');
  });
  test('the provider confirms with the reason of the request', () => {
    spec
      .given([...authorized, ev.cancelRequested('fraudulent')])
      .when(cmd.recordCancel())
      .then([ev.canceled('fraudulent')]);
  });
  test('the provider may cancel on its own (expired authorization)', () => {
    spec
      .given(authorized)
      .when(cmd.recordCancel(6, 'expired'))
      .then([ev.canceled('expired')]);
  });
  test('a duplicate cancellation emits nothing; on a succeeded payment it is PAY_INVALID_TRANSITION', () => {
    spec.given(canceledFromPending).when(cmd.recordCancel()).thenNothing();
    spec.given(succeeded).when(cmd.recordCancel()).thenThrows('PAY_INVALID_TRANSITION');
  });
});
