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

function evolveExisting(s: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRequested':
      return s;
    case 'PaymentSubmitted': {
      const d = event.data;
      const status = s.status === 'pending' ? 'processing' : s.status;
      return {
        ...s,
        status,
        providerPaymentId: d.providerPaymentId ?? s.providerPaymentId,
        updatedAt: d.submittedAt,
      };
    }
    case 'PaymentAuthorized': {
      const d = event.data;
      return {
        ...s,
        status: 'requires_capture',
        providerPaymentId: d.providerPaymentId,
        amountAuthorized: d.amountAuthorized,
        amountCapturable: d.amountAuthorized,
        updatedAt: d.authorizedAt,
      };
    }
    case 'PaymentCaptureRequested': {
      const d = event.data;
      return {
        ...s,
        pendingCapture: { amount: d.amount, requestedAt: d.requestedAt },
        updatedAt: d.requestedAt,
      };
    }
    case 'PaymentCaptured': {
      const d = event.data;
      return {
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
      };
    }
    default:
      return evolveEndings(s, event);
  }
}

function evolveEndings(s: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentFailed': {
      const d = event.data;
      const { code, declineCode, message } = d;
      return {
        ...s,
        status: 'failed',
        providerPaymentId: d.providerPaymentId ?? s.providerPaymentId,
        amountCapturable: 0,
        failure: { code, declineCode, message },
        pendingCapture: null,
        pendingCancel: null,
        updatedAt: d.failedAt,
      };
    }
    case 'PaymentCancelRequested': {
      const d = event.data;
      return {
        ...s,
        pendingCancel: { reason: d.reason, requestedAt: d.requestedAt },
        updatedAt: d.requestedAt,
      };
    }
    case 'PaymentCanceled': {
      const d = event.data;
      return {
        ...s,
        status: 'canceled',
        amountCapturable: 0,
        cancellationReason: d.reason,
        pendingCapture: null,
        pendingCancel: null,
        updatedAt: d.canceledAt,
      };
    }
    default:
      return evolveRefunds(s, event);
  }
}

function evolveRefunds(s: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'RefundRequested': {
      const d = event.data;
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
    }
    case 'RefundSucceeded': {
      const d = event.data;
      const refund = s.refunds.find((r) => r.id === d.refundId);
      if (!refund || refund.status === 'succeeded') return { ...s, updatedAt: d.succeededAt };
      return {
        ...s,
        // After a correction the provider's refunded figure may already count this refund;
        // money refunded never exceeds money captured.
        amountRefunded: Math.min(s.amountCaptured, s.amountRefunded + refund.amount),
        refunds: replaceRefund(s.refunds, {
          ...refund,
          status: 'succeeded',
          providerRefundId: d.providerRefundId,
        }),
        updatedAt: d.succeededAt,
      };
    }
    case 'RefundFailed': {
      const d = event.data;
      const refund = s.refunds.find((r) => r.id === d.refundId);
      if (!refund) return { ...s, updatedAt: d.failedAt };
      const failed: RefundState = {
        ...refund,
        status: 'failed',
        failureCode: d.code,
        failureMessage: d.message,
      };
      return { ...s, refunds: replaceRefund(s.refunds, failed), updatedAt: d.failedAt };
    }
    case 'ProviderStateCorrected':
      return corrected(s, event.data);
    default:
      return s;
  }
}
