/**
 * The payment's state, folded from its events. It carries everything the read side needs
 * (toPaymentView in view.ts) as well as what decide needs. `null` is "no payment yet".
 * Plain JSON data: snapshots serialise it as is.
 */
import type { CaptureMethod, PaymentEvent, PaymentStatus, RefundStatus } from './events.js';
import { corrected, replaceRefund } from './evolveCorrection.js';

export interface RefundState {
  id: string;
  amount: number;
  status: RefundStatus;
  reason: string | null;
  providerRefundId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** ISO 8601 */
  created: string;
}

export interface PaymentFailure {
  code: string;
  declineCode: string | null;
  message: string;
}

export interface PaymentState {
  paymentId: string;
  status: PaymentStatus;
  /** Requested amount, minor units. */
  amount: number;
  amountAuthorized: number;
  amountCapturable: number;
  amountCaptured: number;
  /** Sum of the succeeded refunds (or the provider's figure after a correction). */
  amountRefunded: number;
  currency: string;
  captureMethod: CaptureMethod;
  paymentMethod: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  providerPaymentId: string | null;
  failure: PaymentFailure | null;
  cancellationReason: string | null;
  refunds: RefundState[];
  /** A manual capture asked for, provider outcome not known yet. */
  pendingCapture: { amount: number; requestedAt: string } | null;
  /** A cancel asked for after submission, provider outcome not known yet. */
  pendingCancel: { reason: string | null; requestedAt: string } | null;
  createdAt: string;
  updatedAt: string;
}

export type PaymentStateOrNone = PaymentState | null;

export function initialState(): PaymentState | null {
  return null;
}

/** Refunds pending or succeeded: money promised back, counted against the captured amount. */
export function committedRefunds(state: PaymentState): number {
  return state.refunds.reduce((sum, r) => (r.status === 'failed' ? sum : sum + r.amount), 0);
}

export function refundableAmount(state: PaymentState): number {
  return Math.max(0, state.amountCaptured - committedRefunds(state));
}

export function evolve(state: PaymentState | null, event: PaymentEvent): PaymentState | null {
  if (event.type === 'PaymentRequested') return requested(event.data);
  if (state === null) return null;
  return evolveExisting(state, event);
}

function requested(d: Extract<PaymentEvent, { type: 'PaymentRequested' }>['data']): PaymentState {
  return {
    paymentId: d.paymentId,
    status: 'pending',
    amount: d.amount,
    amountAuthorized: 0,
    amountCapturable: 0,
    amountCaptured: 0,
    amountRefunded: 0,
    currency: d.currency,
    captureMethod: d.captureMethod,
    paymentMethod: d.paymentMethod,
    customer: d.customer,
    description: d.description,
    metadata: { ...d.metadata },
    providerPaymentId: null,
    failure: null,
    cancellationReason: null,
    refunds: [],
    pendingCapture: null,
    pendingCancel: null,
    createdAt: d.requestedAt,
    updatedAt: d.requestedAt,
  };
}

type Data<T extends PaymentEvent['type']> = Extract<PaymentEvent, { type: T }>['data'];
type Evolvers = { [T in PaymentEvent['type']]: (s: PaymentState, d: Data<T>) => PaymentState };

/** One small function per event type; the mapped type makes a missing one a compile error. */
const evolvers: Evolvers = {
  PaymentRequested: (s) => s,
  PaymentSubmitted: (s, d) => ({
    ...s,
    status: s.status === 'pending' ? 'processing' : s.status,
    providerPaymentId: d.providerPaymentId ?? s.providerPaymentId,
    updatedAt: d.submittedAt,
  }),
  PaymentAuthorized: (s, d) => ({
    ...s,
    status: 'requires_capture',
    providerPaymentId: d.providerPaymentId,
    amountAuthorized: d.amountAuthorized,
    amountCapturable: d.amountAuthorized,
    updatedAt: d.authorizedAt,
  }),
  PaymentCaptureRequested: (s, d) => ({
    ...s,
    pendingCapture: { amount: d.amount, requestedAt: d.requestedAt },
    updatedAt: d.requestedAt,
  }),
  PaymentCaptured: (s, d) => ({
    ...s,
    status: 'succeeded',
    providerPaymentId: d.providerPaymentId,
    // Automatic capture has no separate authorization step: what was captured was authorized.
    amountAuthorized: Math.max(s.amountAuthorized, d.amount),
    amountCapturable: 0,
    amountCaptured: d.amount,
    pendingCapture: null,
    pendingCancel: null,
    updatedAt: d.capturedAt,
  }),
  PaymentFailed: (s, d) => ({
    ...s,
    status: 'failed',
    providerPaymentId: d.providerPaymentId ?? s.providerPaymentId,
    amountCapturable: 0,
    failure: { code: d.code, declineCode: d.declineCode, message: d.message },
    pendingCapture: null,
    pendingCancel: null,
    updatedAt: d.failedAt,
  }),
  PaymentCancelRequested: (s, d) => ({
    ...s,
    pendingCancel: { reason: d.reason, requestedAt: d.requestedAt },
    updatedAt: d.requestedAt,
  }),
  PaymentCanceled: (s, d) => ({
    ...s,
    status: 'canceled',
    amountCapturable: 0,
    cancellationReason: d.reason,
    pendingCapture: null,
    pendingCancel: null,
    updatedAt: d.canceledAt,
  }),
  PaymentCaptureRejected: (s, d) => ({ ...s, pendingCapture: null, updatedAt: d.rejectedAt }),
  PaymentCancelRejected: (s, d) => ({ ...s, pendingCancel: null, updatedAt: d.rejectedAt }),
  RefundRequested: (s, d) => {
    const refund: RefundState = {
      id: d.refundId,
      amount: d.amount,
      status: 'pending',
      reason: d.reason,
      providerRefundId: null,
      failureCode: null,
      failureMessage: null,
      created: d.requestedAt,
    };
    return { ...s, refunds: [...s.refunds, refund], updatedAt: d.requestedAt };
  },
  RefundSucceeded: (s, d) => {
    const refund = s.refunds.find((r) => r.id === d.refundId);
    if (!refund || refund.status === 'succeeded') return { ...s, updatedAt: d.succeededAt };
    const next: RefundState = { ...refund, status: 'succeeded', providerRefundId: d.providerRefundId };
    return {
      ...s,
      // After a correction the provider's refunded figure may already count this refund;
      // money refunded never exceeds money captured.
      amountRefunded: Math.min(s.amountCaptured, s.amountRefunded + refund.amount),
      refunds: replaceRefund(s.refunds, next),
      updatedAt: d.succeededAt,
    };
  },
  RefundFailed: (s, d) => {
    const refund = s.refunds.find((r) => r.id === d.refundId);
    if (!refund) return { ...s, updatedAt: d.failedAt };
    const next: RefundState = { ...refund, status: 'failed', failureCode: d.code, failureMessage: d.message };
    return { ...s, refunds: replaceRefund(s.refunds, next), updatedAt: d.failedAt };
  },
  ProviderStateCorrected: corrected,
};

function evolveExisting(s: PaymentState, event: PaymentEvent): PaymentState {
  const evolver = evolvers[event.type] as ((s: PaymentState, d: unknown) => PaymentState) | undefined;
  // Unknown types (from a newer writer) leave the state as it is.
  return evolver ? evolver(s, event.data) : s;
}
