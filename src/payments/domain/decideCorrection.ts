/**
 * CorrectFromProvider: the provider is the truth for money movement. Emits
 * ProviderStateCorrected only when the provider's values differ from ours.
 */
import type { CorrectFromProvider } from './commands.js';
import { reject } from './errors.js';
import type { PaymentEvent, PaymentStatus, RefundStatus } from './events.js';
import type { PaymentState } from './state.js';

const STATUSES: readonly PaymentStatus[] = [
  'pending',
  'processing',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
];
const REFUND_STATUSES: readonly RefundStatus[] = ['pending', 'succeeded', 'failed'];

const isAmount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function validate(c: CorrectFromProvider, s: PaymentState): void {
  if (!STATUSES.includes(c.status)) reject('PAY_VALIDATION', `unknown status ${c.status}`);
  const amounts = [c.amountCapturable, c.amountCaptured, c.amountRefunded];
  const sane =
    amounts.every(isAmount) &&
    c.amountCapturable <= s.amount &&
    c.amountCaptured <= s.amount &&
    c.amountRefunded <= c.amountCaptured;
  if (!sane) {
    reject('PAY_INVALID_AMOUNT', 'provider amounts out of range', {
      amount: s.amount,
      amountCapturable: c.amountCapturable,
      amountCaptured: c.amountCaptured,
      amountRefunded: c.amountRefunded,
    });
  }
  // Stripe's own invariants: only a succeeded payment has money captured (and refunds),
  // only one awaiting capture has a capturable amount.
  const consistent =
    (c.status === 'succeeded' ? c.amountCaptured > 0 : c.amountCaptured === 0 && c.refunds.length === 0) &&
    (c.status === 'requires_capture' ? c.amountCapturable > 0 : c.amountCapturable === 0);
  if (!consistent) {
    reject('PAY_VALIDATION', `provider amounts inconsistent with status ${c.status}`, {
      status: c.status,
      amountCapturable: c.amountCapturable,
      amountCaptured: c.amountCaptured,
      refunds: c.refunds.length,
    });
  }
  for (const r of c.refunds) {
    if (!isAmount(r.amount) || r.amount === 0 || !REFUND_STATUSES.includes(r.status)) {
      reject('PAY_VALIDATION', `invalid refund ${r.refundId} from the provider`, { refundId: r.refundId });
    }
  }
}

function sameFailure(a: PaymentState['failure'], b: CorrectFromProvider['failure']): boolean {
  if (a === null || b === null) return a === b;
  return a.code === b.code && a.declineCode === b.declineCode && a.message === b.message;
}

export function differsFromState(c: CorrectFromProvider, s: PaymentState): boolean {
  if (c.status !== s.status) return true;
  if (c.providerPaymentId !== null && c.providerPaymentId !== s.providerPaymentId) return true;
  if (c.amountCapturable !== s.amountCapturable || c.amountCaptured !== s.amountCaptured) return true;
  if (c.amountRefunded !== s.amountRefunded) return true;
  if (c.status === 'failed' && !sameFailure(s.failure, c.failure)) return true;
  return c.refunds.some((pr) => {
    const ours = s.refunds.find((r) => r.id === pr.refundId);
    if (!ours) return true;
    const idDiffers = pr.providerRefundId !== null && pr.providerRefundId !== ours.providerRefundId;
    return ours.amount !== pr.amount || ours.status !== pr.status || idDiffers;
  });
}

export function decideCorrection(c: CorrectFromProvider, s: PaymentState): PaymentEvent[] {
  validate(c, s);
  if (!differsFromState(c, s)) return [];
  const data = {
    paymentId: s.paymentId,
    source: c.source,
    providerPaymentId: c.providerPaymentId,
    status: c.status,
    amountCapturable: c.amountCapturable,
    amountCaptured: c.amountCaptured,
    amountRefunded: c.amountRefunded,
    failure: c.failure,
    refunds: c.refunds.map((r) => ({ ...r })),
    reason: c.reason,
    correctedAt: c.at,
  };
  return [{ type: 'ProviderStateCorrected', data }];
}
