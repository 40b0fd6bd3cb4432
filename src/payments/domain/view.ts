/** The public payment object, mapped from the decider's state (pure; used by the read side). */
import type { PaymentView, RefundView } from '../views.js';
import type { PaymentState, RefundState } from './state.js';

export function toRefundView(r: RefundState): RefundView {
  return {
    id: r.id,
    amount: r.amount,
    status: r.status,
    reason: r.reason,
    provider_refund_id: r.providerRefundId,
    failure_message: r.failureMessage,
    created: r.created,
  };
}

/** `version` is the stream version the state includes (the ETag). */
export function toPaymentView(state: PaymentState, version: number): PaymentView {
  return {
    id: state.paymentId,
    object: 'payment',
    status: state.status,
    amount: state.amount,
    amount_capturable: state.amountCapturable,
    amount_captured: state.amountCaptured,
    amount_refunded: state.amountRefunded,
    amount_net: state.amountCaptured - state.amountRefunded,
    currency: state.currency,
    capture_method: state.captureMethod,
    payment_method: state.paymentMethod,
    customer: state.customer,
    description: state.description,
    metadata: { ...state.metadata },
    failure_code: state.failure?.code ?? null,
    decline_code: state.failure?.declineCode ?? null,
    failure_message: state.failure?.message ?? null,
    cancellation_reason: state.cancellationReason,
    refunds: state.refunds.map(toRefundView),
    provider_payment_id: state.providerPaymentId,
    created: state.createdAt,
    updated: state.updatedAt,
    version,
  };
}
