import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deciderSpec } from '../../../src/eventsourcing/testing/deciderSpec.js';
import { paymentDecider } from '../../../src/payments/domain/payment.js';
import { at, cmd, ev, PAY, PI, requestPayment } from './fixtures.js';

const spec = deciderSpec(paymentDecider);
const processing = [ev.requested(), ev.submitted()];
const authorized = [ev.manual(), ev.submitted(), ev.authorized()];
const succeeded = [...processing, ev.captured()];
const failed = [...processing, ev.failed()];
const canceledFromPending = [ev.requested(), ev.canceled()];

describe('RequestPayment', () => {
  test('records a new payment with the currency lower-cased', () => {
    spec
      .given([])
      .when(requestPayment({ currency: 'EUR' }))
      .then([ev.requested()]);
  });
  test('a second request on the same stream is PAY_PAYMENT_EXISTS', () => {
    spec.given([ev.requested()]).when(requestPayment()).thenThrows('PAY_PAYMENT_EXISTS');
  });
  test('invalid amounts are PAY_INVALID_AMOUNT', () => {
    for (const amount of [0, -1, 10.5, 100_000_000, Number.NaN]) {
      spec.given([]).when(requestPayment({ amount })).thenThrows('PAY_INVALID_AMOUNT');
    }
    spec
      .given([])
      .when(requestPayment({ amount: 1005, currency: 'kwd' }))
      .thenThrows('PAY_INVALID_AMOUNT');
  });
  test('an unknown currency is PAY_INVALID_CURRENCY', () => {
    spec
      .given([])
      .when(requestPayment({ currency: 'xyz' }))
      .thenThrows('PAY_INVALID_CURRENCY');
  });
  test('a bad capture method or an empty payment method is PAY_VALIDATION', () => {
    const bad = requestPayment({ captureMethod: 'later' as never });
    spec.given([]).when(bad).thenThrows('PAY_VALIDATION');
    spec
      .given([])
      .when(requestPayment({ paymentMethod: '' }))
      .thenThrows('PAY_VALIDATION');
  });
  test('any other command on a missing payment is PAY_NOT_FOUND', () => {
    spec.given([]).when(cmd.requestCapture()).thenThrows('PAY_NOT_FOUND');
  });
});

describe('RecordSubmission', () => {
  test('pending → processing', () => {
    spec.given([ev.requested()]).when(cmd.submit()).then([ev.submitted()]);
  });
  test('a duplicate submission emits nothing', () => {
    spec.given(processing).when(cmd.submit(PI, 9)).thenNothing();
  });
  test('learning the provider id after an id-less submission records it', () => {
    spec
      .given([ev.requested(), ev.submitted(null)])
      .when(cmd.submit(PI, 3))
      .then([ev.submitted(PI, 3)]);
  });
  test('a late submission after the outcome emits nothing', () => {
    spec.given(succeeded).when(cmd.submit()).thenNothing();
  });
});

describe('RecordAuthorization', () => {
  test('processing → requires_capture', () => {
    spec.given([ev.manual(), ev.submitted()]).when(cmd.authorize()).then([ev.authorized()]);
  });
  test('a webhook before the submission is recorded is accepted from pending', () => {
    spec
      .given([ev.manual()])
      .when(cmd.authorize(900))
      .then([ev.authorized(900)]);
  });
  test('a duplicate authorization emits nothing', () => {
    spec.given(authorized).when(cmd.authorize(1000, 7)).thenNothing();
  });
  test('a stale authorization after the capture emits nothing', () => {
    spec
      .given([...authorized, ev.captured()])
      .when(cmd.authorize())
      .thenNothing();
  });
  test('another amount on an authorized payment is PAY_INVALID_TRANSITION', () => {
    spec.given(authorized).when(cmd.authorize(500)).thenThrows('PAY_INVALID_TRANSITION');
  });
  test('on failed or canceled payments it is PAY_INVALID_TRANSITION', () => {
    spec
      .given(failed)
      .when(cmd.authorize(1000, 5, 'pi_other'))
      .thenThrows('PAY_INVALID_TRANSITION');
    spec.given(canceledFromPending).when(cmd.authorize()).thenThrows('PAY_INVALID_TRANSITION');
  });
  test('above the requested amount is PAY_INVALID_AMOUNT', () => {
    spec.given(processing).when(cmd.authorize(1001)).thenThrows('PAY_INVALID_AMOUNT');
  });
});

describe('RecordCapture', () => {
  test('automatic: processing → succeeded', () => {
    spec.given(processing).when(cmd.recordCapture()).then([ev.captured()]);
  });
  test('manual: a partial capture after the capture request', () => {
    spec
      .given([...authorized, ev.captureRequested(600)])
      .when(cmd.recordCapture(600))
      .then([ev.captured(600)]);
  });
  test('a duplicate capture emits nothing', () => {
    spec.given(succeeded).when(cmd.recordCapture(1000, 9)).thenNothing();
  });
  test('a capture of another amount on a succeeded payment is PAY_INVALID_TRANSITION', () => {
    spec.given(succeeded).when(cmd.recordCapture(500)).thenThrows('PAY_INVALID_TRANSITION');
  });
  test('a capture on a failed or canceled payment is PAY_INVALID_TRANSITION', () => {
    spec.given(failed).when(cmd.recordCapture()).thenThrows('PAY_INVALID_TRANSITION');
    spec.given(canceledFromPending).when(cmd.recordCapture()).thenThrows('PAY_INVALID_TRANSITION');
  });
  test('above the authorized amount is PAY_CAPTURE_EXCEEDS_AUTHORIZED', () => {
    spec
      .given([ev.manual(), ev.submitted(), ev.authorized(800)])
      .when(cmd.recordCapture(900))
      .thenThrows('PAY_CAPTURE_EXCEEDS_AUTHORIZED');
  });
});

describe('RecordFailure', () => {
  test('processing → failed with code, decline code and message', () => {
    spec.given(processing).when(cmd.fail()).then([ev.failed()]);
  });
  test('a duplicate failure emits nothing', () => {
    spec.given(failed).when(cmd.fail(9)).thenNothing();
  });
  test('a failure of a succeeded or canceled payment is PAY_INVALID_TRANSITION', () => {
    spec.given(succeeded).when(cmd.fail()).thenThrows('PAY_INVALID_TRANSITION');
    spec.given(canceledFromPending).when(cmd.fail()).thenThrows('PAY_INVALID_TRANSITION');
  });
});

describe('state after the lifecycle', () => {
  test('a partial manual capture releases the rest of the authorization', () => {
    const s = spec
      .given([...authorized, ev.captureRequested(600)])
      .when(cmd.recordCapture(600))
      .thenState(() => {});
    const expected = {
      status: 'succeeded',
      amountAuthorized: 1000,
      amountCapturable: 0,
      amountCaptured: 600,
    };
    const { status, amountAuthorized, amountCapturable, amountCaptured } = s!;
    assert.deepStrictEqual({ status, amountAuthorized, amountCapturable, amountCaptured }, expected);
    assert.deepStrictEqual(s!.pendingCapture, null);
  });
  test('a failure keeps its code, decline code and message; the time moves', () => {
    const s = spec
      .given(processing)
      .when(cmd.fail())
      .thenState(() => {});
    assert.deepStrictEqual(s!.failure, {
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
    assert.deepStrictEqual([s!.paymentId, s!.createdAt, s!.updatedAt], [PAY, at(0), at(4)]);
  });
});
