/** PaymentIntents with Stripe's statuses and transitions (cards only, no 3-D Secure). */
import { type CardDecline, findTestCard, INJECTED_DECLINE } from './cards.js';
import { createCharge } from './charges.js';
import type { SimContext } from './context.js';
import { invalidParam, noSuch, SimError, unexpectedState } from './errors.js';
import type { FormObject } from './form.js';
import { newId } from './ids.js';
import { paginate } from './list.js';
import type { PiStatus, WireList, WirePaymentIntent } from './objects.js';
import { createdFilter, metadata, optBool, optEnum, optInt, optString, reqString } from './params.js';
import type { IntentRecord } from './state.js';

const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const;
const CANCEL_REASONS = ['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'] as const;
const CANCELABLE: PiStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'requires_capture',
  'processing',
];
/** Stripe's minimum charge is about 50 cents; one figure for every currency keeps it simple. */
export const MIN_AMOUNT = 50;

function record(ctx: SimContext, id: string): IntentRecord {
  const rec = ctx.state.intents.get(id);
  if (!rec) throw noSuch('payment_intent', id);
  return rec;
}

function save(ctx: SimContext, rec: IntentRecord): WirePaymentIntent {
  ctx.state.intents.put(rec.pi.id, rec);
  return rec.pi;
}

function checkPaymentMethod(pm: string): void {
  if (!findTestCard(pm)) {
    throw new SimError(
      400,
      {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'payment_method',
        message: `No such PaymentMethod: '${pm}'`,
      },
      false,
    );
  }
}

function readCreate(params: FormObject) {
  const amount = optInt(params, 'amount', 1);
  if (amount === undefined)
    throw invalidParam('Missing required param: amount.', 'amount', 'parameter_missing');
  if (amount < MIN_AMOUNT)
    throw invalidParam(`Amount must be at least ${MIN_AMOUNT}.`, 'amount', 'amount_too_small');
  const currency = reqString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidParam(`Invalid currency: ${currency}.`, 'currency');
  const pm = optString(params, 'payment_method');
  if (pm) checkPaymentMethod(pm);
  const confirm = optBool(params, 'confirm') ?? false;
  if (confirm && !pm) {
    throw invalidParam(
      'You must provide a payment_method to confirm.',
      'payment_method',
      'parameter_missing',
    );
  }
  return { amount, currency, pm, confirm };
}

export function createIntent(ctx: SimContext, params: FormObject): WirePaymentIntent {
  const { amount, currency, pm, confirm } = readCreate(params);
  const id = newId('pi');
  const pi: WirePaymentIntent = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: optEnum(params, 'capture_method', CAPTURE_METHODS) ?? 'automatic',
    client_secret: `${id}_secret_${newId('s').slice(2)}`,
    confirmation_method: 'automatic',
    created: ctx.now(),
    currency,
    customer: optString(params, 'customer') ?? null,
    description: optString(params, 'description') ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: metadata(params),
    next_action: null,
    payment_method: pm ?? null,
    payment_method_types: ['card'],
    status: pm ? 'requires_confirmation' : 'requires_payment_method',
  };
  const rec: IntentRecord = { pi, captures: 0 };
  save(ctx, rec);
  ctx.emit('payment_intent.created', pi);
  return confirm ? runConfirm(ctx, rec) : pi;
}

export function confirmIntent(ctx: SimContext, id: string, params: FormObject): WirePaymentIntent {
  const rec = record(ctx, id);
  const pm = optString(params, 'payment_method');
  if (pm) checkPaymentMethod(pm);
  if (rec.pi.status !== 'requires_payment_method' && rec.pi.status !== 'requires_confirmation') {
    throw unexpectedState(
      `This PaymentIntent's status is ${rec.pi.status}, but it must be requires_payment_method or requires_confirmation to be confirmed.`,
      { payment_intent: rec.pi },
    );
  }
  if (pm) rec.pi.payment_method = pm;
  if (!rec.pi.payment_method) {
    throw invalidParam(
      'You must provide a payment_method to confirm.',
      'payment_method',
      'parameter_missing',
    );
  }
  return runConfirm(ctx, rec);
}

/** Authorises against the test card: success moves on, a decline answers 402 and stays retryable. */
function runConfirm(ctx: SimContext, rec: IntentRecord): WirePaymentIntent {
  const pi = rec.pi;
  const pm = pi.payment_method ?? '';
  const card = findTestCard(pm);
  if (!card) throw noSuch('PaymentMethod', pm, 'payment_method');
  // A card that declines always does; one that would succeed may be declined by declineRate.
  const declined = card.decline ?? (ctx.injectedDecline() ? INJECTED_DECLINE : null);
  const charge = createCharge(ctx, pi, pm, declined);
  pi.latest_charge = charge.id;
  if (declined) return decline(ctx, rec, charge.id, declined);
  pi.last_payment_error = null;
  if (pi.capture_method === 'manual') {
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
    save(ctx, rec);
    ctx.emit('payment_intent.amount_capturable_updated', pi, { amount_capturable: 0 });
  } else {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    rec.captures += 1;
    save(ctx, rec);
    ctx.emit('payment_intent.succeeded', pi);
  }
  return pi;
}

function decline(ctx: SimContext, rec: IntentRecord, chargeId: string, d: CardDecline): never {
  const pi = rec.pi;
  const pmId = pi.payment_method ?? '';
  pi.last_payment_error = {
    type: 'card_error',
    code: d.code,
    decline_code: d.declineCode,
    message: d.message,
    charge: chargeId,
    doc_url: `https://stripe.com/docs/error-codes/${d.code.replaceAll('_', '-')}`,
    payment_method: { id: pmId, object: 'payment_method', type: 'card' },
  };
  // Stripe detaches the failed method: the intent waits for a new one.
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  save(ctx, rec);
  ctx.emit('payment_intent.payment_failed', pi);
  throw new SimError(402, {
    type: 'card_error',
    code: d.code,
    decline_code: d.declineCode,
    message: d.message,
    charge: chargeId,
    doc_url: pi.last_payment_error.doc_url,
    payment_intent: structuredClone(pi),
    payment_method: { id: pmId, object: 'payment_method', type: 'card' },
  });
}

export function captureIntent(ctx: SimContext, id: string, params: FormObject): WirePaymentIntent {
  const rec = record(ctx, id);
  const pi = rec.pi;
  const requested = optInt(params, 'amount_to_capture', 1);
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      { payment_intent: pi },
    );
  }
  const amount = requested ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw new SimError(400, {
      type: 'invalid_request_error',
      code: 'amount_too_large',
      param: 'amount_to_capture',
      message: `The amount to capture (${amount}) cannot exceed the capturable amount (${pi.amount_capturable}).`,
    });
  }
  const charge = pi.latest_charge ? ctx.state.charges.get(pi.latest_charge) : undefined;
  if (charge) {
    charge.captured = true;
    charge.amount_captured = amount;
    ctx.state.charges.put(charge.id, charge);
    ctx.emit('charge.captured', charge, { captured: false, amount_captured: 0 });
  }
  // The uncaptured remainder is released, as Stripe does on a partial capture.
  pi.amount_received = amount;
  pi.amount_capturable = 0;
  pi.status = 'succeeded';
  rec.captures += 1;
  save(ctx, rec);
  ctx.emit('payment_intent.succeeded', pi);
  return pi;
}

export function cancelIntent(ctx: SimContext, id: string, params: FormObject): WirePaymentIntent {
  const rec = record(ctx, id);
  const pi = rec.pi;
  const reason = optEnum(params, 'cancellation_reason', CANCEL_REASONS);
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
      { payment_intent: pi },
    );
  }
  pi.status = 'canceled';
  pi.amount_capturable = 0;
  pi.canceled_at = ctx.now();
  pi.cancellation_reason = reason ?? null;
  save(ctx, rec);
  ctx.emit('payment_intent.canceled', pi);
  return pi;
}

export function retrieveIntent(ctx: SimContext, id: string): WirePaymentIntent {
  return record(ctx, id).pi;
}

export function listIntents(ctx: SimContext, params: FormObject): WireList<WirePaymentIntent> {
  const inRange = createdFilter(params);
  const customer = optString(params, 'customer');
  const items = ctx.state.intents
    .newestFirst()
    .map((r) => r.pi)
    .filter((pi) => inRange(pi.created) && (customer === undefined || pi.customer === customer));
  return paginate(items, params, '/v1/payment_intents', 'payment_intent');
}
