/**
 * Commands of the payment decider. Each carries its time (`at`, ISO 8601) and any new ids,
 * so decide stays pure. Request* commands come from API callers; Record* and CorrectFromProvider
 * come from the provider flow (dispatcher, webhooks, reconciliation) and are idempotent:
 * recording an outcome already recorded yields no events.
 */
import type { CaptureMethod, PaymentStatus, RefundStatus } from './events.js';

export interface RequestPayment {
  type: 'RequestPayment';
  paymentId: string;
  amount: number;
  currency: string;
  captureMethod: CaptureMethod;
  paymentMethod: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  at: string;
}

export interface RecordSubmission {
  type: 'RecordSubmission';
  providerPaymentId: string | null;
  at: string;
}

export interface RecordAuthorization {
  type: 'RecordAuthorization';
  /** When given, must be the payment's currency (any case): PAY_CURRENCY_MISMATCH otherwise. */
  currency?: string;
  providerPaymentId: string;
  amountAuthorized: number;
  at: string;
}

export interface RecordCapture {
  type: 'RecordCapture';
  /** When given, must be the payment's currency (any case): PAY_CURRENCY_MISMATCH otherwise. */
  currency?: string;
  providerPaymentId: string;
  amount: number;
  at: string;
}

export interface RecordFailure {
  type: 'RecordFailure';
  providerPaymentId: string | null;
  code: string;
  declineCode: string | null;
  message: string;
  at: string;
}

export interface RequestCapture {
  type: 'RequestCapture';
  /** When given, must be the payment's currency (any case): PAY_CURRENCY_MISMATCH otherwise. */
  currency?: string;
  /** Default: the full capturable amount. */
  amount?: number;
  at: string;
}

export interface RequestCancel {
  type: 'RequestCancel';
  reason: string | null;
  at: string;
}

export interface RecordCancellation {
  type: 'RecordCancellation';
  /** Default: the reason of the pending cancel request, if any. */
  reason?: string | null;
  at: string;
}

/** The provider refused the pending capture (a permanent refusal, payment unchanged). */
export interface RecordCaptureRejection {
  type: 'RecordCaptureRejection';
  /** The refused capture's amount: a rejection of another capture than the pending one is ignored. */
  amount: number;
  code: string;
  message: string;
  at: string;
}

/** The provider refused the pending cancel (a permanent refusal). */
export interface RecordCancelRejection {
  type: 'RecordCancelRejection';
  code: string;
  message: string;
  at: string;
}

export interface RequestRefund {
  type: 'RequestRefund';
  /** When given, must be the payment's currency (any case): PAY_CURRENCY_MISMATCH otherwise. */
  currency?: string;
  refundId: string;
  /** Default: everything still refundable. */
  amount?: number;
  reason: string | null;
  at: string;
}

export interface RecordRefundSucceeded {
  type: 'RecordRefundSucceeded';
  refundId: string;
  providerRefundId: string;
  at: string;
}

export interface RecordRefundFailed {
  type: 'RecordRefundFailed';
  refundId: string;
  code: string | null;
  message: string;
  at: string;
}

/** The provider's authoritative view of the payment (reconciliation or an out-of-order webhook). */
export interface CorrectFromProvider {
  type: 'CorrectFromProvider';
  source: 'reconciliation' | 'webhook';
  providerPaymentId: string | null;
  status: PaymentStatus;
  amountCapturable: number;
  amountCaptured: number;
  amountRefunded: number;
  failure: { code: string; declineCode: string | null; message: string } | null;
  refunds: Array<{ refundId: string; providerRefundId: string | null; amount: number; status: RefundStatus }>;
  reason: string;
  at: string;
}

export type PaymentCommand =
  | RequestPayment
  | RecordSubmission
  | RecordAuthorization
  | RecordCapture
  | RecordFailure
  | RequestCapture
  | RequestCancel
  | RecordCancellation
  | RecordCaptureRejection
  | RecordCancelRejection
  | RequestRefund
  | RecordRefundSucceeded
  | RecordRefundFailed
  | CorrectFromProvider;

export type PaymentCommandType = PaymentCommand['type'];
