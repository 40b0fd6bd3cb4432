/**
 * decide(command, state) → events. Pure: time and ids come in the command.
 * API requests on a state that forbids them throw typed errors; provider outcomes already
 * recorded yield [] (webhook duplicates and dispatcher retries are harmless), and outcomes
 * that contradict a terminal state throw PAY_INVALID_TRANSITION.
 */
import { NotFoundError } from '../../shared/errors.js';
import type {
  PaymentCommand,
  RecordAuthorization,
  RecordCancellation,
  RecordCapture,
  RecordFailure,
  RecordSubmission,
  RequestCancel,
  RequestCapture,
  RequestPayment,
} from './commands.js';
import { decideCorrection } from './decideCorrection.js';
import {
  decideRecordRefundFailed,
  decideRecordRefundSucceeded,
  decideRequestRefund,
} from './decideRefunds.js';
import {
  capturedOverCancel,
  decideRecordCancelRejection,
  decideRecordCaptureRejection,
} from './decideRejections.js';
import { reject } from './errors.js';
import type { PaymentEvent } from './events.js';
import { assertSameCurrency, assertValidAmount, normalizeCurrency } from './money.js';
import type { PaymentState } from './state.js';

export function decide(command: PaymentCommand, state: PaymentState | null): PaymentEvent[] {
  if (command.type === 'RequestPayment') return decideRequestPayment(command, state);
  if (state === null) throw new NotFoundError('payment', '(stream is empty)');
  if ('currency' in command && command.currency !== undefined)
    assertSameCurrency(state.currency, command.currency);
  switch (command.type) {
    case 'RecordSubmission':
      return decideRecordSubmission(command, state);
    case 'RecordAuthorization':
      return decideRecordAuthorization(command, state);
    case 'RecordCapture':
      return decideRecordCapture(command, state);
    case 'RecordFailure':
      return decideRecordFailure(command, state);
    case 'RequestCapture':
      return decideRequestCapture(command, state);
    case 'RequestCancel':
      return decideRequestCancel(command, state);
    case 'RecordCancellation':
      return decideRecordCancellation(command, state);
    case 'RecordCaptureRejection':
      return decideRecordCaptureRejection(command, state);
    case 'RecordCancelRejection':
      return decideRecordCancelRejection(command, state);
    case 'RequestRefund':
      return decideRequestRefund(command, state);
    case 'RecordRefundSucceeded':
      return decideRecordRefundSucceeded(command, state);
    case 'RecordRefundFailed':
      return decideRecordRefundFailed(command, state);
    case 'CorrectFromProvider':
      return decideCorrection(command, state);
  }
}

function decideRequestPayment(c: RequestPayment, state: PaymentState | null): PaymentEvent[] {
  if (state !== null) reject('PAY_PAYMENT_EXISTS', `payment ${state.paymentId} already exists`);
  const currency = normalizeCurrency(c.currency);
  assertValidAmount(c.amount, currency);
  if (c.captureMethod !== 'automatic' && c.captureMethod !== 'manual') {
    reject('PAY_VALIDATION', 'captureMethod must be automatic or manual', { captureMethod: c.captureMethod });
  }
  if (typeof c.paymentMethod !== 'string' || c.paymentMethod.length === 0) {
    reject('PAY_VALIDATION', 'paymentMethod is required');
  }
  assertMetadataFits(c.metadata);
  const data = {
    paymentId: c.paymentId,
    amount: c.amount,
    currency,
    captureMethod: c.captureMethod,
    paymentMethod: c.paymentMethod,
    customer: c.customer,
    description: c.description,
    metadata: { ...c.metadata },
    requestedAt: c.at,
  };
  return [{ type: 'PaymentRequested', data }];
}

/** The provider takes 50 metadata keys and paystream adds its own (`paystream_payment_id`) to each create. */
export const MAX_METADATA_KEYS = 49;
export const RESERVED_METADATA_PREFIX = 'paystream_';

function assertMetadataFits(metadata: Record<string, string>): void {
  const keys = Object.keys(metadata ?? {});
  if (keys.length > MAX_METADATA_KEYS) {
    reject('PAY_VALIDATION', `metadata has more than ${MAX_METADATA_KEYS} keys (one is paystream's own)`, {
      field: 'metadata',
    });
  }
  const reserved = keys.find((k) => k.startsWith(RESERVED_METADATA_PREFIX));
  if (reserved !== undefined) {
    reject(
      'PAY_VALIDATION',
      `metadata.${reserved}: keys starting with ${RESERVED_METADATA_PREFIX} are reserved`,
      {
        field: `metadata.${reserved}`,
      },
    );
  }
}

const isTerminal = (s: PaymentState) =>
  s.status === 'succeeded' || s.status === 'failed' || s.status === 'canceled';

function decideRecordSubmission(c: RecordSubmission, s: PaymentState): PaymentEvent[] {
  const data = { paymentId: s.paymentId, providerPaymentId: c.providerPaymentId, submittedAt: c.at };
  if (s.status === 'pending') return [{ type: 'PaymentSubmitted', data }];
  // Learning the provider id late still matters (reconciliation looks payments up by it).
  const learnsId = s.status === 'processing' && s.providerPaymentId === null && c.providerPaymentId !== null;
  return learnsId ? [{ type: 'PaymentSubmitted', data }] : [];
}

function decideRecordAuthorization(c: RecordAuthorization, s: PaymentState): PaymentEvent[] {
  const seen = s.amountAuthorized > 0 && s.providerPaymentId === c.providerPaymentId;
  if (seen && (s.status !== 'requires_capture' || s.amountAuthorized === c.amountAuthorized)) return [];
  if (s.status !== 'pending' && s.status !== 'processing') {
    reject('PAY_INVALID_TRANSITION', `cannot record an authorization on a ${s.status} payment`, {
      status: s.status,
    });
  }
  if (!Number.isSafeInteger(c.amountAuthorized) || c.amountAuthorized <= 0 || c.amountAuthorized > s.amount) {
    reject('PAY_INVALID_AMOUNT', 'authorized amount must be positive and at most the requested amount', {
      amountAuthorized: c.amountAuthorized,
      amount: s.amount,
    });
  }
  const data = {
    paymentId: s.paymentId,
    providerPaymentId: c.providerPaymentId,
    amountAuthorized: c.amountAuthorized,
    authorizedAt: c.at,
  };
  return [{ type: 'PaymentAuthorized', data }];
}

function decideRecordCapture(c: RecordCapture, s: PaymentState): PaymentEvent[] {
  if (s.status === 'succeeded' && s.amountCaptured === c.amount) return [];
  if (isTerminal(s)) {
    reject('PAY_INVALID_TRANSITION', `cannot record a capture on a ${s.status} payment`, {
      status: s.status,
    });
  }
  const limit = s.status === 'requires_capture' ? s.amountCapturable : s.amount;
  if (!Number.isSafeInteger(c.amount) || c.amount <= 0) {
    reject('PAY_INVALID_AMOUNT', 'captured amount must be a positive integer', { amount: c.amount });
  }
  if (c.amount > limit) {
    reject('PAY_CAPTURE_EXCEEDS_AUTHORIZED', `captured ${c.amount} is above ${limit}`, {
      amount: c.amount,
      limit,
    });
  }
  const data = {
    paymentId: s.paymentId,
    providerPaymentId: c.providerPaymentId,
    amount: c.amount,
    capturedAt: c.at,
  };
  return capturedOverCancel(s, { type: 'PaymentCaptured', data });
}

function decideRecordFailure(c: RecordFailure, s: PaymentState): PaymentEvent[] {
  if (s.status === 'failed') return [];
  if (isTerminal(s)) {
    reject('PAY_INVALID_TRANSITION', `cannot record a failure on a ${s.status} payment`, {
      status: s.status,
    });
  }
  const { providerPaymentId, code, declineCode, message } = c;
  const data = { paymentId: s.paymentId, providerPaymentId, code, declineCode, message, failedAt: c.at };
  return [{ type: 'PaymentFailed', data }];
}

function decideRequestCapture(c: RequestCapture, s: PaymentState): PaymentEvent[] {
  if (s.status === 'succeeded') reject('PAY_ALREADY_CAPTURED', `payment ${s.paymentId} is already captured`);
  if (s.status !== 'requires_capture') {
    reject('PAY_CAPTURE_NOT_ALLOWED', `cannot capture a ${s.status} payment`, { status: s.status });
  }
  if (s.pendingCancel) reject('PAY_CAPTURE_NOT_ALLOWED', 'a cancellation is in progress');
  const amount = c.amount ?? s.amountCapturable;
  assertValidAmount(amount, s.currency);
  if (amount > s.amountCapturable) {
    reject(
      'PAY_CAPTURE_EXCEEDS_AUTHORIZED',
      `capture ${amount} is above the authorized ${s.amountCapturable}`,
      {
        amount,
        amountCapturable: s.amountCapturable,
      },
    );
  }
  if (s.pendingCapture) {
    if (s.pendingCapture.amount === amount) return [];
    reject('PAY_CAPTURE_NOT_ALLOWED', 'a capture of another amount is in progress', {
      pending: s.pendingCapture.amount,
    });
  }
  return [{ type: 'PaymentCaptureRequested', data: { paymentId: s.paymentId, amount, requestedAt: c.at } }];
}

function decideRequestCancel(c: RequestCancel, s: PaymentState): PaymentEvent[] {
  const data = { paymentId: s.paymentId, reason: c.reason };
  if (s.status === 'pending') return [{ type: 'PaymentCanceled', data: { ...data, canceledAt: c.at } }];
  if (s.status !== 'processing' && s.status !== 'requires_capture') {
    reject('PAY_CANCEL_NOT_ALLOWED', `cannot cancel a ${s.status} payment`, { status: s.status });
  }
  if (s.pendingCapture) reject('PAY_CANCEL_NOT_ALLOWED', 'a capture is in progress');
  if (s.pendingCancel) return [];
  return [{ type: 'PaymentCancelRequested', data: { ...data, requestedAt: c.at } }];
}

function decideRecordCancellation(c: RecordCancellation, s: PaymentState): PaymentEvent[] {
  if (s.status === 'canceled') return [];
  if (isTerminal(s)) {
    reject('PAY_INVALID_TRANSITION', `cannot record a cancellation on a ${s.status} payment`, {
      status: s.status,
    });
  }
  const reason = c.reason !== undefined ? c.reason : (s.pendingCancel?.reason ?? null);
  return [{ type: 'PaymentCanceled', data: { paymentId: s.paymentId, reason, canceledAt: c.at } }];
}
