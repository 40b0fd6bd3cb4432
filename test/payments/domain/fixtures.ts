/** Builders for payment events and commands used by the decider specs. */
import type {
  CorrectFromProvider,
  PaymentCommand,
  RequestPayment,
} from '../../../src/payments/domain/commands.js';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';

export const PAY = 'pay_0190aaaabbbbccccddddeeeeffff0000';
export const PI = 'pi_123';
export const at = (n: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

export const requestPayment = (over: Partial<RequestPayment> = {}): RequestPayment => ({
  type: 'RequestPayment',
  paymentId: PAY,
  amount: 1000,
  currency: 'eur',
  captureMethod: 'automatic',
  paymentMethod: 'pm_card_visa',
  customer: 'cus_1',
  description: 'order 42',
  metadata: { order: '42' },
  at: at(0),
  ...over,
});

type Data<T extends PaymentEvent['type']> = Extract<PaymentEvent, { type: T }>['data'];

export const ev = {
  requested: (over: Partial<Data<'PaymentRequested'>> = {}): PaymentEvent => ({
    type: 'PaymentRequested',
    data: {
      paymentId: PAY,
      amount: 1000,
      currency: 'eur',
      captureMethod: 'automatic',
      paymentMethod: 'pm_card_visa',
      customer: 'cus_1',
      description: 'order 42',
      metadata: { order: '42' },
      requestedAt: at(0),
      ...over,
    },
  }),
  manual: (): PaymentEvent => ev.requested({ captureMethod: 'manual' }),
  submitted: (providerPaymentId: string | null = PI, n = 1): PaymentEvent => ({
    type: 'PaymentSubmitted',
    data: { paymentId: PAY, providerPaymentId, submittedAt: at(n) },
  }),
  authorized: (amountAuthorized = 1000, n = 2): PaymentEvent => ({
    type: 'PaymentAuthorized',
    data: { paymentId: PAY, providerPaymentId: PI, amountAuthorized, authorizedAt: at(n) },
  }),
  captureRequested: (amount = 1000, n = 3): PaymentEvent => ({
    type: 'PaymentCaptureRequested',
    data: { paymentId: PAY, amount, requestedAt: at(n) },
  }),
  captured: (amount = 1000, n = 4): PaymentEvent => ({
    type: 'PaymentCaptured',
    data: { paymentId: PAY, providerPaymentId: PI, amount, capturedAt: at(n) },
  }),
  failed: (n = 4): PaymentEvent => ({
    type: 'PaymentFailed',
    data: {
      paymentId: PAY,
      providerPaymentId: PI,
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      failedAt: at(n),
    },
  }),
  cancelRequested: (reason: string | null = 'requested_by_customer', n = 5): PaymentEvent => ({
    type: 'PaymentCancelRequested',
    data: { paymentId: PAY, reason, requestedAt: at(n) },
  }),
  canceled: (reason: string | null = 'requested_by_customer', n = 6): PaymentEvent => ({
    type: 'PaymentCanceled',
    data: { paymentId: PAY, reason, canceledAt: at(n) },
  }),
  refundRequested: (refundId: string, amount: number, n = 7): PaymentEvent => ({
    type: 'RefundRequested',
    data: { paymentId: PAY, refundId, amount, reason: null, requestedAt: at(n) },
  }),
  refundSucceeded: (refundId: string, providerRefundId = `pr_${refundId}`, n = 8): PaymentEvent => ({
    type: 'RefundSucceeded',
    data: { paymentId: PAY, refundId, providerRefundId, succeededAt: at(n) },
  }),
  refundFailed: (refundId: string, n = 8): PaymentEvent => ({
    type: 'RefundFailed',
    data: {
      paymentId: PAY,
      refundId,
      code: 'expired_or_canceled_card',
      message: 'card expired',
      failedAt: at(n),
    },
  }),
};

export const cmd = {
  submit: (providerPaymentId: string | null = PI, n = 1): PaymentCommand => ({
    type: 'RecordSubmission',
    providerPaymentId,
    at: at(n),
  }),
  authorize: (amountAuthorized = 1000, n = 2, providerPaymentId = PI): PaymentCommand => ({
    type: 'RecordAuthorization',
    providerPaymentId,
    amountAuthorized,
    at: at(n),
  }),
  requestCapture: (amount?: number, n = 3): PaymentCommand =>
    amount === undefined
      ? { type: 'RequestCapture', at: at(n) }
      : { type: 'RequestCapture', amount, at: at(n) },
  recordCapture: (amount = 1000, n = 4): PaymentCommand => ({
    type: 'RecordCapture',
    providerPaymentId: PI,
    amount,
    at: at(n),
  }),
  fail: (n = 4): PaymentCommand => ({
    type: 'RecordFailure',
    providerPaymentId: PI,
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
    at: at(n),
  }),
  requestCancel: (reason: string | null = 'requested_by_customer', n = 5): PaymentCommand => ({
    type: 'RequestCancel',
    reason,
    at: at(n),
  }),
  recordCancel: (n = 6, reason?: string | null): PaymentCommand =>
    reason === undefined
      ? { type: 'RecordCancellation', at: at(n) }
      : { type: 'RecordCancellation', reason, at: at(n) },
  refund: (refundId: string, amount?: number, n = 7): PaymentCommand =>
    amount === undefined
      ? { type: 'RequestRefund', refundId, reason: null, at: at(n) }
      : { type: 'RequestRefund', refundId, amount, reason: null, at: at(n) },
  refundSucceeded: (refundId: string, providerRefundId = `pr_${refundId}`, n = 8): PaymentCommand => ({
    type: 'RecordRefundSucceeded',
    refundId,
    providerRefundId,
    at: at(n),
  }),
  refundFailed: (refundId: string, n = 8): PaymentCommand => ({
    type: 'RecordRefundFailed',
    refundId,
    code: 'expired_or_canceled_card',
    message: 'card expired',
    at: at(n),
  }),
  correct: (over: Partial<CorrectFromProvider> = {}, n = 9): CorrectFromProvider => ({
    type: 'CorrectFromProvider',
    source: 'reconciliation',
    providerPaymentId: PI,
    status: 'succeeded',
    amountCapturable: 0,
    amountCaptured: 1000,
    amountRefunded: 0,
    failure: null,
    refunds: [],
    reason: 'provider reports a capture we missed',
    at: at(n),
    ...over,
  }),
};
