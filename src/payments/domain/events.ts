/**
 * The payment's events: names and shapes are stable once released (schema version 1 unless
 * noted; an upcaster in upcasters.ts turns older shapes into the current one on read).
 * Amounts are integers in minor units; currency is ISO 4217 lower-case; times are ISO 8601 strings.
 * The stream of a payment is `payment-${paymentId}`; payment ids look like `pay_<uuidv7 hex>`.
 */

export type CaptureMethod = 'automatic' | 'manual';

export type PaymentStatus =
  | 'pending'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'failed'
  | 'canceled';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** Schema version 2 (v1 had no captureMethod nor metadata; see upcasters.ts). */
export interface PaymentRequested {
  type: 'PaymentRequested';
  data: {
    paymentId: string;
    amount: number;
    currency: string;
    captureMethod: CaptureMethod;
    paymentMethod: string;
    customer: string | null;
    description: string | null;
    metadata: Record<string, string>;
    requestedAt: string;
  };
}

/** Sent to the provider, outcome not known yet (status processing). */
export interface PaymentSubmitted {
  type: 'PaymentSubmitted';
  data: { paymentId: string; providerPaymentId: string | null; submittedAt: string };
}

/** Authorized for manual capture (status requires_capture). */
export interface PaymentAuthorized {
  type: 'PaymentAuthorized';
  data: { paymentId: string; providerPaymentId: string; amountAuthorized: number; authorizedAt: string };
}

/** A manual capture asked for; the provider call goes through the outbox. */
export interface PaymentCaptureRequested {
  type: 'PaymentCaptureRequested';
  data: { paymentId: string; amount: number; requestedAt: string };
}

/** Money moved (status succeeded). `amount` is the captured amount (<= authorized). */
export interface PaymentCaptured {
  type: 'PaymentCaptured';
  data: { paymentId: string; providerPaymentId: string; amount: number; capturedAt: string };
}

export interface PaymentFailed {
  type: 'PaymentFailed';
  data: {
    paymentId: string;
    providerPaymentId: string | null;
    code: string;
    declineCode: string | null;
    message: string;
    failedAt: string;
  };
}

/** A cancel of a payment already sent to the provider; the provider call goes through the outbox. */
export interface PaymentCancelRequested {
  type: 'PaymentCancelRequested';
  data: { paymentId: string; reason: string | null; requestedAt: string };
}

export interface PaymentCanceled {
  type: 'PaymentCanceled';
  data: { paymentId: string; reason: string | null; canceledAt: string };
}

/**
 * The provider refused the pending capture without changing the payment (e.g. an amount above
 * what it holds): the request is cleared so another capture (or a cancel) can be asked for.
 */
export interface PaymentCaptureRejected {
  type: 'PaymentCaptureRejected';
  data: { paymentId: string; amount: number; code: string; message: string; rejectedAt: string };
}

/**
 * The pending cancel did not happen: the provider refused it (e.g. payment_intent_unexpected_state)
 * or captured the payment first (code `captured_before_cancel`, followed by PaymentCaptured and a
 * full RefundRequested). The request is cleared so the payment can be canceled or captured again.
 */
export interface PaymentCancelRejected {
  type: 'PaymentCancelRejected';
  data: { paymentId: string; reason: string | null; code: string; message: string; rejectedAt: string };
}

export interface RefundRequested {
  type: 'RefundRequested';
  data: { paymentId: string; refundId: string; amount: number; reason: string | null; requestedAt: string };
}

export interface RefundSucceeded {
  type: 'RefundSucceeded';
  data: { paymentId: string; refundId: string; providerRefundId: string; succeededAt: string };
}

export interface RefundFailed {
  type: 'RefundFailed';
  data: { paymentId: string; refundId: string; code: string | null; message: string; failedAt: string };
}

/**
 * The provider is the truth for money movement: reconciliation (or a webhook whose news cannot
 * be expressed as a normal transition) appends this with the provider's authoritative values.
 * Evolve sets these fields as given; it never edits history.
 */
export interface ProviderStateCorrected {
  type: 'ProviderStateCorrected';
  data: {
    paymentId: string;
    source: 'reconciliation' | 'webhook';
    providerPaymentId: string | null;
    status: PaymentStatus;
    amountCapturable: number;
    amountCaptured: number;
    amountRefunded: number;
    failure: { code: string; declineCode: string | null; message: string } | null;
    /** Refund statuses as the provider knows them, by our refund id. */
    refunds: Array<{
      refundId: string;
      providerRefundId: string | null;
      amount: number;
      status: RefundStatus;
    }>;
    reason: string;
    correctedAt: string;
  };
}

export type PaymentEvent =
  | PaymentRequested
  | PaymentSubmitted
  | PaymentAuthorized
  | PaymentCaptureRequested
  | PaymentCaptured
  | PaymentFailed
  | PaymentCancelRequested
  | PaymentCanceled
  | PaymentCaptureRejected
  | PaymentCancelRejected
  | RefundRequested
  | RefundSucceeded
  | RefundFailed
  | ProviderStateCorrected;

export type PaymentEventType = PaymentEvent['type'];

export const PAYMENT_EVENT_TYPES: readonly PaymentEventType[] = [
  'PaymentRequested',
  'PaymentSubmitted',
  'PaymentAuthorized',
  'PaymentCaptureRequested',
  'PaymentCaptured',
  'PaymentFailed',
  'PaymentCancelRequested',
  'PaymentCanceled',
  'PaymentCaptureRejected',
  'PaymentCancelRejected',
  'RefundRequested',
  'RefundSucceeded',
  'RefundFailed',
  'ProviderStateCorrected',
];

export const PAYMENT_STREAM_PREFIX = 'payment-';
export function paymentStreamId(paymentId: string): string {
  return `${PAYMENT_STREAM_PREFIX}${paymentId}`;
}

/** Outbox message kinds the payment context emits (see provider flow). */
export type ProviderWorkKind =
  | 'provider.create_payment'
  | 'provider.capture'
  | 'provider.cancel'
  | 'provider.refund';
