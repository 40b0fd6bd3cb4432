/** Refund commands: several partial refunds, each pending → succeeded | failed. */
import type { RecordRefundFailed, RecordRefundSucceeded, RequestRefund } from './commands.js';
import { reject } from './errors.js';
import type { PaymentEvent } from './events.js';
import { assertValidAmount } from './money.js';
import { type PaymentState, type RefundState, refundableAmount } from './state.js';

export function decideRequestRefund(c: RequestRefund, s: PaymentState): PaymentEvent[] {
  if (s.status !== 'succeeded') {
    reject('PAY_REFUND_NOT_ALLOWED', `cannot refund a ${s.status} payment`, { status: s.status });
  }
  if (s.refunds.some((r) => r.id === c.refundId)) {
    reject('PAY_INVALID_TRANSITION', `refund ${c.refundId} already exists`, { refundId: c.refundId });
  }
  const refundable = refundableAmount(s);
  const amount = c.amount ?? refundable;
  if (c.amount !== undefined) assertValidAmount(amount, s.currency);
  if (amount > refundable || amount <= 0) {
    reject('PAY_REFUND_EXCEEDS_CAPTURED', `refund ${amount} is above the refundable ${refundable}`, {
      amount,
      refundable,
    });
  }
  const data = { paymentId: s.paymentId, refundId: c.refundId, amount, reason: c.reason, requestedAt: c.at };
  return [{ type: 'RefundRequested', data }];
}

function findRefund(s: PaymentState, refundId: string): RefundState {
  const refund = s.refunds.find((r) => r.id === refundId);
  if (!refund) reject('PAY_UNKNOWN_REFUND', `refund ${refundId} not found`, { refundId });
  return refund;
}

export function decideRecordRefundSucceeded(c: RecordRefundSucceeded, s: PaymentState): PaymentEvent[] {
  const refund = findRefund(s, c.refundId);
  if (refund.status === 'succeeded' && refund.providerRefundId === c.providerRefundId) return [];
  if (refund.status !== 'pending') {
    reject('PAY_INVALID_TRANSITION', `refund ${refund.id} is already ${refund.status}`, {
      refundId: refund.id,
      status: refund.status,
    });
  }
  const data = {
    paymentId: s.paymentId,
    refundId: refund.id,
    providerRefundId: c.providerRefundId,
    succeededAt: c.at,
  };
  return [{ type: 'RefundSucceeded', data }];
}

export function decideRecordRefundFailed(c: RecordRefundFailed, s: PaymentState): PaymentEvent[] {
  const refund = findRefund(s, c.refundId);
  if (refund.status === 'failed') return [];
  if (refund.status !== 'pending') {
    reject('PAY_INVALID_TRANSITION', `refund ${refund.id} is already ${refund.status}`, {
      refundId: refund.id,
      status: refund.status,
    });
  }
  const data = {
    paymentId: s.paymentId,
    refundId: refund.id,
    code: c.code,
    message: c.message,
    failedAt: c.at,
  };
  return [{ type: 'RefundFailed', data }];
}
