/** Refunds against a succeeded PaymentIntent's charge, partial or full, never above what was captured. */
import { findTestCard } from './cards.js';
import type { SimContext } from './context.js';
import { missingParam, noSuch, SimError, unexpectedState } from './errors.js';
import type { FormObject } from './form.js';
import { newId } from './ids.js';
import { paginate } from './list.js';
import type { WireCharge, WireList, WireRefund } from './objects.js';
import { createdFilter, metadata, optEnum, optInt, optString } from './params.js';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

function chargeFor(ctx: SimContext, params: FormObject): WireCharge {
  const piId = optString(params, 'payment_intent');
  const chargeId = optString(params, 'charge');
  if (!piId && !chargeId) throw missingParam('payment_intent');
  if (chargeId) {
    const charge = ctx.state.charges.get(chargeId);
    if (!charge) throw noSuch('charge', chargeId, 'charge');
    return charge;
  }
  const rec = ctx.state.intents.get(piId ?? '');
  if (!rec) throw noSuch('payment_intent', piId ?? '', 'payment_intent');
  const charge = rec.pi.latest_charge ? ctx.state.charges.get(rec.pi.latest_charge) : undefined;
  if (rec.pi.status !== 'succeeded' || !charge) {
    throw unexpectedState(`This PaymentIntent (${rec.pi.id}) does not have a successful charge to refund.`, {
      param: 'payment_intent',
    });
  }
  return charge;
}

export function createRefund(ctx: SimContext, params: FormObject): WireRefund {
  const requested = optInt(params, 'amount', 1);
  const reason = optEnum(params, 'reason', REASONS) ?? null;
  const meta = metadata(params);
  const charge = chargeFor(ctx, params);
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) {
    throw new SimError(400, {
      type: 'invalid_request_error',
      code: 'charge_already_refunded',
      message: `Charge ${charge.id} has already been refunded.`,
    });
  }
  const amount = requested ?? remaining;
  if (amount > remaining) {
    throw new SimError(400, {
      type: 'invalid_request_error',
      code: 'amount_too_large',
      param: 'amount',
      message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
    });
  }
  const refund: WireRefund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: ctx.now(),
    currency: charge.currency,
    failure_reason: null,
    metadata: meta,
    payment_intent: charge.payment_intent,
    reason,
    status: 'succeeded',
  };
  ctx.state.refunds.put(refund.id, refund);
  ctx.emit('refund.created', refund);
  const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  ctx.state.charges.put(charge.id, charge);
  ctx.emit('charge.refunded', charge, before);
  if (findTestCard(charge.payment_method)?.refundFails) ctx.defer((later) => failRefund(later, refund.id));
  return refund;
}

/** The asynchronous failure of a refund: the money goes back to the merchant's balance. */
function failRefund(ctx: SimContext, refundId: string): void {
  const refund = ctx.state.refunds.get(refundId);
  const charge = refund ? ctx.state.charges.get(refund.charge) : undefined;
  if (!refund || !charge || refund.status !== 'succeeded') return;
  const previous = { status: refund.status, failure_reason: null };
  refund.status = 'failed';
  refund.failure_reason = 'expired_or_canceled_card';
  ctx.state.refunds.put(refund.id, refund);
  charge.amount_refunded -= refund.amount;
  charge.refunded = false;
  ctx.state.charges.put(charge.id, charge);
  ctx.emit('charge.refund.updated', refund, previous);
  ctx.emit('refund.updated', refund, previous);
  ctx.emit('refund.failed', refund, previous);
}

export function retrieveRefund(ctx: SimContext, id: string): WireRefund {
  const refund = ctx.state.refunds.get(id);
  if (!refund) throw noSuch('refund', id);
  return refund;
}

export function listRefunds(ctx: SimContext, params: FormObject): WireList<WireRefund> {
  const pi = optString(params, 'payment_intent');
  const charge = optString(params, 'charge');
  if (pi !== undefined && !ctx.state.intents.has(pi)) throw noSuch('payment_intent', pi, 'payment_intent');
  const inRange = createdFilter(params);
  const items = ctx.state.refunds
    .newestFirst()
    .filter(
      (r) =>
        (pi === undefined || r.payment_intent === pi) &&
        (charge === undefined || r.charge === charge) &&
        inRange(r.created),
    );
  return paginate(items, params, '/v1/refunds', 'refund');
}

export function retrieveCharge(ctx: SimContext, id: string): WireCharge {
  const charge = ctx.state.charges.get(id);
  if (!charge) throw noSuch('charge', id);
  return charge;
}
