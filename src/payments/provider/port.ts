/**
 * The PaymentProvider port: what paystream asks of Stripe (or the bundled simulator).
 * Outcomes are values, not exceptions: a decline is a business outcome; `retryable` covers
 * timeouts, connection errors, 5xx and 429; `permanent` the other 4xx.
 * Provider types stay here and in the anti-corruption layer: they never reach the domain.
 */
export type ProviderPaymentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'requires_capture'
  | 'processing'
  | 'succeeded'
  | 'canceled';

export interface ProviderFailure {
  code: string;
  declineCode: string | null;
  message: string;
}

export interface ProviderPayment {
  id: string;
  status: ProviderPaymentStatus;
  amount: number;
  amountCapturable: number;
  /** Captured amount (Stripe's amount_received). */
  amountReceived: number;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  cancellationReason: string | null;
  lastError: ProviderFailure | null;
  /** Includes paystream_payment_id. */
  metadata: Record<string, string>;
  /** Unix seconds. */
  created: number;
}

export interface ProviderRefund {
  id: string;
  paymentId: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  reason: string | null;
  failureReason: string | null;
  /** Includes paystream_refund_id and paystream_payment_id. */
  metadata: Record<string, string>;
  created: number;
}

export interface ProviderEvent {
  id: string;
  /** e.g. payment_intent.succeeded, charge.refunded, refund.updated */
  type: string;
  created: number;
  object:
    | { kind: 'payment'; payment: ProviderPayment }
    | { kind: 'refund'; refund: ProviderRefund }
    | { kind: 'other' };
}

export type ProviderResult<T> =
  | { outcome: 'ok'; value: T }
  /** The card was declined: a business outcome. `payment` is the provider's object when one exists. */
  | { outcome: 'declined'; failure: ProviderFailure; payment: ProviderPayment | null }
  | { outcome: 'retryable'; reason: string; status: number | null }
  | { outcome: 'permanent'; code: string; message: string; status: number };

export interface CreatePaymentRequest {
  amount: number;
  currency: string;
  paymentMethod: string;
  captureMethod: 'automatic' | 'manual';
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  /** Derived from the id of the event that asked for the call: every retry reuses it. */
  idempotencyKey: string;
}

export interface PaymentProvider {
  /** Create and confirm. */
  createPayment(req: CreatePaymentRequest): Promise<ProviderResult<ProviderPayment>>;
  capture(
    providerPaymentId: string,
    req: { amountToCapture?: number; idempotencyKey: string },
  ): Promise<ProviderResult<ProviderPayment>>;
  cancel(
    providerPaymentId: string,
    req: { reason?: string | null; idempotencyKey: string },
  ): Promise<ProviderResult<ProviderPayment>>;
  refund(req: {
    providerPaymentId: string;
    amount?: number;
    reason?: string | null;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<ProviderResult<ProviderRefund>>;
  retrievePayment(providerPaymentId: string): Promise<ProviderResult<ProviderPayment>>;
  retrieveRefund(providerRefundId: string): Promise<ProviderResult<ProviderRefund>>;
  listRefunds(providerPaymentId: string): Promise<ProviderResult<ProviderRefund[]>>;
  /** Newest first, Stripe-style pagination. */
  listPayments(req: {
    createdGte?: number;
    limit?: number;
    startingAfter?: string;
  }): Promise<ProviderResult<{ data: ProviderPayment[]; hasMore: boolean }>>;
  listEvents(req: {
    createdGte?: number;
    limit?: number;
    startingAfter?: string;
  }): Promise<ProviderResult<{ data: ProviderEvent[]; hasMore: boolean }>>;
}
