/** Typed domain errors of the payment decider; codes come from the error catalog. */
import type { ErrorCode } from '../../shared/errorCatalog.js';
import { PaystreamError } from '../../shared/errors.js';

export type PaymentErrorCode = Extract<
  ErrorCode,
  | 'PAY_INVALID_TRANSITION'
  | 'PAY_ALREADY_CAPTURED'
  | 'PAY_CAPTURE_NOT_ALLOWED'
  | 'PAY_CAPTURE_EXCEEDS_AUTHORIZED'
  | 'PAY_CANCEL_NOT_ALLOWED'
  | 'PAY_REFUND_NOT_ALLOWED'
  | 'PAY_REFUND_EXCEEDS_CAPTURED'
  | 'PAY_PAYMENT_EXISTS'
  | 'PAY_UNKNOWN_REFUND'
  | 'PAY_NOT_FOUND'
  | 'PAY_INVALID_AMOUNT'
  | 'PAY_VALIDATION'
>;

/** A command the payment's current state does not allow. Nothing is written. */
export class PaymentRejectedError extends PaystreamError {
  declare readonly code: PaymentErrorCode;
  constructor(code: PaymentErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

export function reject(code: PaymentErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new PaymentRejectedError(code, message, details);
}
