/**
 * A capture or cancel the provider did not carry out. Without these the pending request would stay
 * in the state for ever and refuse every later capture or cancel (see decideRequestCapture/Cancel).
 */
import type { RecordCancelRejection, RecordCaptureRejection } from './commands.js';
import type { PaymentCaptured, PaymentEvent } from './events.js';
import { type PaymentState, refundableAmount } from './state.js';

export function decideRecordCaptureRejection(c: RecordCaptureRejection, s: PaymentState): PaymentEvent[] {
  // Idempotent: nothing pending (already rejected, or settled) or another capture pending.
  if (s.pendingCapture === null || s.pendingCapture.amount !== c.amount) return [];
  const data = {
    paymentId: s.paymentId,
    amount: c.amount,
    code: c.code,
    message: c.message,
    rejectedAt: c.at,
  };
  return [{ type: 'PaymentCaptureRejected', data }];
}

export function decideRecordCancelRejection(c: RecordCancelRejection, s: PaymentState): PaymentEvent[] {
  if (s.pendingCancel === null) return [];
  const { reason } = s.pendingCancel;
  const data = { paymentId: s.paymentId, reason, code: c.code, message: c.message, rejectedAt: c.at };
  return [{ type: 'PaymentCancelRejected', data }];
}

export const CAPTURED_BEFORE_CANCEL = 'captured_before_cancel';

/**
 * The refund issued when the provider captured a payment whose cancel was pending. Derived from
 * the payment id so every path that records this capture (dispatcher, webhook, reconciliation)
 * and every retry names the same refund; a payment has at most one such refund.
 */
export function cancelRefundId(paymentId: string): string {
  return `re_${paymentId.replace(/^pay_/, '')}`;
}

/**
 * A capture recorded while a cancel is pending: the customer asked to cancel but the provider
 * moved the money first (e.g. a create retried after a timeout, automatic capture). The provider
 * is the truth for money, so the capture is recorded; the customer's intent is honoured by a full
 * refund, and the log says why instead of reading like an ordinary success.
 */
export function capturedOverCancel(s: PaymentState, captured: PaymentCaptured): PaymentEvent[] {
  const pending = s.pendingCancel;
  if (pending === null) return [captured];
  const at = captured.data.capturedAt;
  const rejected: PaymentEvent = {
    type: 'PaymentCancelRejected',
    data: {
      paymentId: s.paymentId,
      reason: pending.reason,
      code: CAPTURED_BEFORE_CANCEL,
      message: 'the provider captured the payment before the cancel reached it; refunded in full',
      rejectedAt: at,
    },
  };
  // What is refundable once the capture is in: the captured amount less any refund already owed.
  const after = { ...s, amountCaptured: captured.data.amount };
  const amount = refundableAmount(after);
  if (amount <= 0) return [rejected, captured];
  const refund: PaymentEvent = {
    type: 'RefundRequested',
    data: {
      paymentId: s.paymentId,
      refundId: cancelRefundId(s.paymentId),
      amount,
      reason: pending.reason ?? 'requested_by_customer',
      requestedAt: at,
    },
  };
  return [rejected, captured, refund];
}
