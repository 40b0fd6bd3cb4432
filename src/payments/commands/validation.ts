/**
 * Input validation for the payment commands, before anything is written. Limits follow Stripe
 * (metadata: 49 keys — the provider takes 50 and paystream adds one —, key <= 40 chars, value <= 500 chars).
 */
import { ValidationError } from '../../shared/errors.js';
import { MAX_METADATA_KEYS } from '../domain/decide.js';
import type { CaptureMethod } from '../domain/events.js';
import { assertValidAmount, money } from '../domain/money.js';
import type { CreatePaymentInput } from '../services.js';

export interface ValidCreatePayment {
  amount: number;
  currency: string;
  paymentMethod: string;
  captureMethod: CaptureMethod;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) {
    throw new ValidationError(`${field} must be a string of at most ${max} characters`, { field });
  }
  return value;
}

function validMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('metadata must be an object of strings', { field: 'metadata' });
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  if (keys.length > MAX_METADATA_KEYS) {
    throw new ValidationError(`metadata has more than ${MAX_METADATA_KEYS} keys`, { field: 'metadata' });
  }
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = source[k];
    if (k.length === 0 || k.length > 40 || typeof v !== 'string' || v.length > 500) {
      throw new ValidationError(`metadata.${k}: keys of 1-40 characters, string values of at most 500`, {
        field: `metadata.${k}`,
      });
    }
    out[k] = v;
  }
  return out;
}

export function validateCreatePayment(input: CreatePaymentInput): ValidCreatePayment {
  if (typeof input !== 'object' || input === null) throw new ValidationError('body must be an object');
  const m = money(input.amount, input.currency);
  const paymentMethod = optionalText(input.paymentMethod, 'paymentMethod', 255);
  if (!paymentMethod) throw new ValidationError('paymentMethod is required', { field: 'paymentMethod' });
  const captureMethod = input.captureMethod ?? 'automatic';
  if (captureMethod !== 'automatic' && captureMethod !== 'manual') {
    throw new ValidationError('captureMethod must be automatic or manual', { field: 'captureMethod' });
  }
  // Fields spelled out: V8 (Node 20) takes a slow path for properties after an object spread,
  // several µs per command here.
  return {
    amount: m.amount,
    currency: m.currency,
    paymentMethod,
    captureMethod,
    customer: optionalText(input.customer, 'customer', 255),
    description: optionalText(input.description, 'description', 1000),
    metadata: validMetadata(input.metadata),
  };
}

/** A positive integer in minor units, when given (the currency rules apply in decide). */
export function validateOptionalAmount(amount: unknown): number | undefined {
  if (amount === undefined || amount === null) return undefined;
  // Any currency: decide re-checks against the payment's own (three-decimal multiples of 10).
  assertValidAmount(amount, 'usd');
  return amount;
}

export function validateReason(reason: unknown): string | null {
  return optionalText(reason, 'reason', 500);
}
