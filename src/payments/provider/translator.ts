/**
 * The anti-corruption layer: provider news (objects, outcomes, webhook events) in, domain commands
 * out. Provider types stop here; the domain only ever sees its own commands.
 *
 * `settle(state, truth)` is shared by the dispatcher, the webhook inbox and the reconciler: it turns
 * the provider's current view of a payment into the commands that bring our log in line —
 * ordinary Record* commands when the news is a normal step forward (the log then reads like the
 * story it is), and a final CorrectFromProvider for whatever those cannot express. Every command
 * is idempotent against the state, so settling the same truth twice writes nothing the second time.
 */
import type {
  CorrectFromProvider,
  PaymentCommand,
  RecordRefundFailed,
  RecordRefundSucceeded,
} from '../domain/commands.js';
import type { PaymentStatus, RefundStatus } from '../domain/events.js';
import type { PaymentState } from '../domain/state.js';
import type { ProviderEvent, ProviderFailure, ProviderPayment, ProviderRefund } from './port.js';

export const PAYMENT_ID_KEY = 'paystream_payment_id';
export const REFUND_ID_KEY = 'paystream_refund_id';

/** The provider's view of one payment, in domain terms. */
export interface ProviderTruth {
  paymentId: string | null;
  providerPaymentId: string;
  status: PaymentStatus;
  currency: string;
  amountCapturable: number;
  amountCaptured: number;
  /** null when the refunds were not read (e.g. the object came from a capture response). */
  amountRefunded: number | null;
  failure: ProviderFailure | null;
  refunds: Array<{ refundId: string; providerRefundId: string; amount: number; status: RefundStatus }>;
  /** Provider refund ids that carry no paystream refund id: made outside paystream. */
  foreignRefunds: string[];
}

export function statusOf(p: ProviderPayment): PaymentStatus {
  switch (p.status) {
    case 'succeeded':
      return 'succeeded';
    case 'requires_capture':
      return 'requires_capture';
    case 'canceled':
      return 'canceled';
    case 'requires_payment_method':
      // Stripe sends a declined intent back to requires_payment_method with last_payment_error.
      return p.lastError ? 'failed' : 'processing';
    default:
      return 'processing';
  }
}

export function refundStatusOf(r: ProviderRefund): RefundStatus {
  if (r.status === 'succeeded') return 'succeeded';
  return r.status === 'pending' ? 'pending' : 'failed';
}

export function truthOf(p: ProviderPayment, refunds: ProviderRefund[] | null): ProviderTruth {
  const ours = (refunds ?? []).filter((r) => r.metadata[REFUND_ID_KEY]);
  return {
    paymentId: p.metadata[PAYMENT_ID_KEY] ?? null,
    providerPaymentId: p.id,
    status: statusOf(p),
    currency: p.currency.toLowerCase(),
    amountCapturable: p.status === 'requires_capture' ? p.amountCapturable : 0,
    amountCaptured: p.amountReceived,
    amountRefunded: refunds
      ? refunds.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0)
      : null,
    failure: statusOf(p) === 'failed' ? p.lastError : null,
    refunds: ours.map((r) => ({
      refundId: r.metadata[REFUND_ID_KEY]!,
      providerRefundId: r.id,
      amount: r.amount,
      status: refundStatusOf(r),
    })),
    foreignRefunds: (refunds ?? []).filter((r) => !r.metadata[REFUND_ID_KEY]).map((r) => r.id),
  };
}

/** Reasons a person must look: no rule settles these, so nothing is applied. */
export function conflictsOf(s: PaymentState, t: ProviderTruth): string[] {
  const out: string[] = [];
  if (t.paymentId !== null && t.paymentId !== s.paymentId)
    out.push(`provider object belongs to ${t.paymentId}`);
  if (s.providerPaymentId !== null && s.providerPaymentId !== t.providerPaymentId) {
    out.push(`we know provider payment ${s.providerPaymentId}, provider answered ${t.providerPaymentId}`);
  }
  if (t.currency !== s.currency) out.push(`currency ${t.currency} at the provider, ${s.currency} here`);
  if (t.amountCaptured > s.amount)
    out.push(`provider captured ${t.amountCaptured}, more than the ${s.amount} asked`);
  if (t.amountCapturable > s.amount)
    out.push(`provider holds ${t.amountCapturable}, more than the ${s.amount} asked`);
  if (t.foreignRefunds.length > 0) out.push(`refunds made outside paystream: ${t.foreignRefunds.join(', ')}`);
  const unknown = t.refunds.filter((r) => !s.refunds.some((o) => o.id === r.refundId));
  if (unknown.length > 0)
    out.push(`refunds we never asked for: ${unknown.map((r) => r.refundId).join(', ')}`);
  if (t.amountRefunded !== null && t.amountRefunded > t.amountCaptured)
    out.push('provider refunded more than captured');
  return out;
}

export interface Settlement {
  commands: PaymentCommand[];
  conflicts: string[];
}

export interface SettleOptions {
  source: 'reconciliation' | 'webhook';
  at: string;
  reason: string;
  /**
   * Apply no correction when the truth is *behind* our state. A webhook's truth is read at one
   * instant while the dispatcher may record a newer outcome concurrently: a late reader must never
   * move a payment backwards. Reconciliation, which skips payments with work in flight, sets false.
   */
  forwardOnly: boolean;
}

const RANK: Record<PaymentStatus, number> = {
  pending: 0,
  processing: 1,
  requires_capture: 2,
  succeeded: 3,
  failed: 3,
  canceled: 3,
};

export function isBehind(s: PaymentState, t: ProviderTruth): boolean {
  if (RANK[t.status] < RANK[s.status]) return true;
  if (t.amountCaptured < s.amountCaptured) return true;
  if (t.amountRefunded !== null && t.amountRefunded < s.amountRefunded) return true;
  return t.refunds.some(
    (r) => r.status === 'pending' && s.refunds.some((o) => o.id === r.refundId && o.status !== 'pending'),
  );
}

/** The commands that bring `s` in line with the provider's truth (none when they agree). */
export function settle(s: PaymentState, t: ProviderTruth, o: SettleOptions): Settlement {
  const conflicts = conflictsOf(s, t);
  if (conflicts.length > 0) return { commands: [], conflicts };
  const commands: PaymentCommand[] = [...forwardSteps(s, t, o.at), ...refundSteps(s, t, o.at)];
  if (!(o.forwardOnly && isBehind(s, t))) commands.push(correction(s, t, o.source, o.at, o.reason));
  return { commands, conflicts: [] };
}

/** Only the ordinary Record* steps: for the answer to our own call, which is news, never a correction. */
export function outcomeSteps(s: PaymentState, t: ProviderTruth, at: string): PaymentCommand[] {
  return [...forwardSteps(s, t, at), ...refundSteps(s, t, at)];
}

/** The ordinary transition the truth represents, when our state is still before it. */
function forwardSteps(s: PaymentState, t: ProviderTruth, at: string): PaymentCommand[] {
  const id = t.providerPaymentId;
  const early = s.status === 'pending' || s.status === 'processing';
  const steps: PaymentCommand[] = [];
  if (s.status === 'pending' || (s.status === 'processing' && s.providerPaymentId === null)) {
    steps.push({ type: 'RecordSubmission', providerPaymentId: id, at });
  }
  if (t.status === 'requires_capture' && early) {
    steps.push({
      type: 'RecordAuthorization',
      providerPaymentId: id,
      amountAuthorized: t.amountCapturable,
      at,
    });
  } else if (t.status === 'succeeded' && (early || s.status === 'requires_capture') && capturable(s, t)) {
    steps.push({ type: 'RecordCapture', providerPaymentId: id, amount: t.amountCaptured, at });
  } else if (t.status === 'failed' && early && t.failure) {
    steps.push({ type: 'RecordFailure', providerPaymentId: id, ...t.failure, at });
  } else if (t.status === 'canceled' && (early || s.status === 'requires_capture')) {
    steps.push({ type: 'RecordCancellation', at });
  }
  return steps;
}

/** A capture the decider accepts as an ordinary step; anything else is left to the correction. */
function capturable(s: PaymentState, t: ProviderTruth): boolean {
  const limit = s.status === 'requires_capture' ? s.amountCapturable : s.amount;
  return t.amountCaptured > 0 && t.amountCaptured <= limit;
}

function refundSteps(s: PaymentState, t: ProviderTruth, at: string): PaymentCommand[] {
  const steps: Array<RecordRefundSucceeded | RecordRefundFailed> = [];
  for (const r of t.refunds) {
    const ours = s.refunds.find((o) => o.id === r.refundId);
    if (ours?.status !== 'pending') continue;
    if (r.status === 'succeeded') {
      steps.push({
        type: 'RecordRefundSucceeded',
        refundId: r.refundId,
        providerRefundId: r.providerRefundId,
        at,
      });
    } else if (r.status === 'failed') {
      steps.push({
        type: 'RecordRefundFailed',
        refundId: r.refundId,
        code: null,
        message: 'refund failed at the provider',
        at,
      });
    }
  }
  return steps;
}

function correction(
  s: PaymentState,
  t: ProviderTruth,
  source: 'reconciliation' | 'webhook',
  at: string,
  reason: string,
): CorrectFromProvider {
  return {
    type: 'CorrectFromProvider',
    source,
    providerPaymentId: t.providerPaymentId,
    status: t.status,
    amountCapturable: t.amountCapturable,
    amountCaptured: t.amountCaptured,
    // Unread refunds: keep ours rather than guess.
    amountRefunded: t.amountRefunded ?? s.amountRefunded,
    failure: t.failure,
    refunds: t.refunds,
    reason,
    at,
  };
}

/** Which payment a webhook is about, by our id when the object carries it. */
export function subjectOf(e: ProviderEvent): { paymentId: string | null; providerPaymentId: string } | null {
  if (e.object.kind === 'payment') {
    const p = e.object.payment;
    return { paymentId: p.metadata[PAYMENT_ID_KEY] ?? null, providerPaymentId: p.id };
  }
  if (e.object.kind === 'refund') {
    const r = e.object.refund;
    return { paymentId: r.metadata[PAYMENT_ID_KEY] ?? null, providerPaymentId: r.paymentId };
  }
  return null;
}
