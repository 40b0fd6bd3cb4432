import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deciderSpec } from '../../../src/eventsourcing/testing/deciderSpec.js';
import type { PaymentCommand } from '../../../src/payments/domain/commands.js';
import { cancelRefundId } from '../../../src/payments/domain/decideRejections.js';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { PAYMENT_EVENT_TYPES } from '../../../src/payments/domain/events.js';
import { paymentDecider } from '../../../src/payments/domain/payment.js';
import { at, cmd, ev, PAY } from './fixtures.js';

const spec = deciderSpec(paymentDecider);
const authorized = [ev.manual(), ev.submitted(), ev.authorized()];
const processing = [ev.requested(), ev.submitted(null)];

const captureRejection = (amount: number, n = 4): PaymentCommand => ({
  type: 'RecordCaptureRejection',
  amount,
  code: 'amount_too_large',
  message: 'amount_to_capture is above amount_capturable',
  at: at(n),
});
const captureRejected = (amount: number, n = 4): PaymentEvent => ({
  type: 'PaymentCaptureRejected',
  data: {
    paymentId: PAY,
    amount,
    code: 'amount_too_large',
    message: 'amount_to_capture is above amount_capturable',
    rejectedAt: at(n),
  },
});
const cancelRejection = (n = 6): PaymentCommand => ({
  type: 'RecordCancelRejection',
  code: 'payment_intent_unexpected_state',
  message: 'cannot cancel',
  at: at(n),
});
const cancelRejected = (n = 6): PaymentEvent => ({
  type: 'PaymentCancelRejected',
  data: {
    paymentId: PAY,
    reason: 'requested_by_customer',
    code: 'payment_intent_unexpected_state',
    message: 'cannot cancel',
    rejectedAt: at(n),
  },
});

describe('a refused capture', () => {
  test('is recorded and clears the pending capture', () => {
    spec
      .given([...authorized, ev.captureRequested(900)])
      .when(captureRejection(900))
      .then([captureRejected(900)]);
  });
  test('lets another amount be captured, and the payment be canceled, afterwards', () => {
    const after = [...authorized, ev.captureRequested(900), captureRejected(900)];
    spec
      .given(after)
      .when(cmd.requestCapture(500, 5))
      .then([ev.captureRequested(500, 5)]);
    spec.given(after).when(cmd.requestCancel()).then([ev.cancelRequested()]);
    spec
      .given(after)
      .when(cmd.requestCapture())
      .thenState((s) => assert.equal(s?.pendingCapture?.amount, 1000));
  });
  test('is ignored when nothing (or another capture) is pending: retries write nothing', () => {
    spec.given(authorized).when(captureRejection(900)).then([]);
    spec
      .given([...authorized, ev.captureRequested(900), captureRejected(900)])
      .when(captureRejection(900))
      .then([]);
    spec
      .given([...authorized, ev.captureRequested(800)])
      .when(captureRejection(900))
      .then([]);
  });
  test('leaves status and amounts as they are', () => {
    spec
      .given([...authorized, ev.captureRequested(900)])
      .when(captureRejection(900))
      .thenState((s) => {
        assert.equal(s?.status, 'requires_capture');
        assert.equal(s?.amountCapturable, 1000);
        assert.equal(s?.pendingCapture, null);
      });
  });
});

describe('a refused cancel', () => {
  test('is recorded with the cancel reason and clears the pending cancel', () => {
    spec
      .given([...authorized, ev.cancelRequested()])
      .when(cancelRejection())
      .then([cancelRejected()]);
  });
  test('lets the payment be captured or canceled again afterwards', () => {
    const after = [...authorized, ev.cancelRequested(), cancelRejected()];
    spec
      .given(after)
      .when(cmd.requestCapture(1000, 7))
      .then([ev.captureRequested(1000, 7)]);
    spec
      .given(after)
      .when(cmd.requestCancel('duplicate', 7))
      .then([ev.cancelRequested('duplicate', 7)]);
  });
  test('is ignored when no cancel is pending', () => {
    spec.given(authorized).when(cancelRejection()).then([]);
  });
});

describe('a capture recorded while a cancel is pending (the cancel lost the race)', () => {
  test('records the cancel as rejected, the capture, and a full refund', () => {
    spec
      .given([...processing, ev.cancelRequested()])
      .when(cmd.recordCapture(1000, 7))
      .then([
        {
          type: 'PaymentCancelRejected',
          data: {
            paymentId: PAY,
            reason: 'requested_by_customer',
            code: 'captured_before_cancel',
            message: 'the provider captured the payment before the cancel reached it; refunded in full',
            rejectedAt: at(7),
          },
        },
        ev.captured(1000, 7),
        {
          type: 'RefundRequested',
          data: {
            paymentId: PAY,
            refundId: cancelRefundId(PAY),
            amount: 1000,
            reason: 'requested_by_customer',
            requestedAt: at(7),
          },
        },
      ]);
  });
  test('the payment is succeeded (the money moved) with its refund pending, nothing left pending', () => {
    spec
      .given([...processing, ev.cancelRequested()])
      .when(cmd.recordCapture(1000, 7))
      .thenState((s) => {
        assert.equal(s?.status, 'succeeded');
        assert.equal(s?.amountCaptured, 1000);
        assert.equal(s?.pendingCancel, null);
        assert.deepEqual(
          s?.refunds.map((r) => [r.id, r.amount, r.status]),
          [[cancelRefundId(PAY), 1000, 'pending']],
        );
      });
  });
  test('recording the same capture again writes nothing (no second refund)', () => {
    spec
      .given([...processing, ev.cancelRequested(), cancelRejected(7), ev.captured(1000, 7)])
      .when(cmd.recordCapture(1000, 8))
      .then([]);
  });
  test('a capture with no cancel pending is an ordinary capture', () => {
    spec
      .given(processing)
      .when(cmd.recordCapture(1000, 4))
      .then([ev.captured(1000, 4)]);
  });
});

test('the new event types are listed for the read side', () => {
  assert.ok(PAYMENT_EVENT_TYPES.includes('PaymentCaptureRejected'));
  assert.ok(PAYMENT_EVENT_TYPES.includes('PaymentCancelRejected'));
});
