/** Evolving ProviderStateCorrected: the provider's values are set as given. */
import type { ProviderStateCorrected } from './events.js';
import type { PaymentState, RefundState } from './state.js';

export function replaceRefund(refunds: RefundState[], next: RefundState): RefundState[] {
  return refunds.map((r) => (r.id === next.id ? next : r));
}

/** Refunds the provider reports are updated or added by our id; others are left as they are. */
export function corrected(s: PaymentState, d: ProviderStateCorrected['data']): PaymentState {
  let refunds = s.refunds;
  for (const pr of d.refunds) {
    const ours = refunds.find((r) => r.id === pr.refundId);
    const base: RefundState = ours ?? {
      id: pr.refundId,
      amount: pr.amount,
      status: pr.status,
      reason: null,
      providerRefundId: null,
      failureCode: null,
      failureMessage: null,
      created: d.correctedAt,
    };
    const next = { ...base, amount: pr.amount, status: pr.status, providerRefundId: pr.providerRefundId };
    refunds = ours ? replaceRefund(refunds, next) : [...refunds, next];
  }
  const active = d.status === 'processing' || d.status === 'requires_capture';
  return {
    ...s,
    status: d.status,
    providerPaymentId: d.providerPaymentId ?? s.providerPaymentId,
    amountAuthorized: Math.max(s.amountAuthorized, d.amountCaptured, d.amountCapturable),
    amountCapturable: d.amountCapturable,
    amountCaptured: d.amountCaptured,
    amountRefunded: d.amountRefunded,
    failure: d.status === 'failed' ? d.failure : s.failure,
    refunds,
    pendingCapture: d.status === 'requires_capture' ? s.pendingCapture : null,
    pendingCancel: active ? s.pendingCancel : null,
    updatedAt: d.correctedAt,
  };
}
