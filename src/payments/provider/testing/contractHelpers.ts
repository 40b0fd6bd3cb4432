/** Assertions and request builders shared by the provider scenarios. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CreatePaymentRequest, ProviderResult } from '../port.js';

export function expectOk<T>(result: ProviderResult<T>): T {
  if (result.outcome !== 'ok') assert.fail(`expected ok, got ${JSON.stringify(result)}`);
  return result.value;
}

export function expectPermanent<T>(result: ProviderResult<T>): {
  code: string;
  status: number;
  message: string;
} {
  if (result.outcome !== 'permanent') assert.fail(`expected permanent, got ${JSON.stringify(result)}`);
  return result;
}

export function expectDeclined<T>(result: ProviderResult<T>) {
  if (result.outcome !== 'declined') assert.fail(`expected declined, got ${JSON.stringify(result)}`);
  return result;
}

export function key(label: string): string {
  return `contract-${label}-${randomUUID()}`;
}

/** A payment request with a fresh paystream id in metadata, as the outbox dispatcher sends it. */
export function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  const paymentId = randomUUID();
  return {
    amount: 1000,
    currency: 'usd',
    paymentMethod: 'pm_card_visa',
    captureMethod: 'automatic',
    customer: null,
    description: 'contract test',
    metadata: { paystream_payment_id: paymentId },
    idempotencyKey: key('create'),
    ...overrides,
  };
}

/** The decline test cards and the codes Stripe answers with. */
export const DECLINE_CARDS: ReadonlyArray<{ paymentMethod: string; code: string; declineCode: string }> = [
  { paymentMethod: 'pm_card_chargeDeclined', code: 'card_declined', declineCode: 'generic_decline' },
  {
    paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
    code: 'card_declined',
    declineCode: 'insufficient_funds',
  },
  { paymentMethod: 'pm_card_chargeDeclinedExpiredCard', code: 'expired_card', declineCode: 'expired_card' },
  {
    paymentMethod: 'pm_card_chargeDeclinedIncorrectCvc',
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
  },
  {
    paymentMethod: 'pm_card_chargeDeclinedProcessingError',
    code: 'processing_error',
    declineCode: 'processing_error',
  },
];
