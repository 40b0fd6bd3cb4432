/** Charges: the attempt behind a PaymentIntent, where captured and refunded amounts live. */
import type { CardDecline } from './cards.js';
import type { SimContext } from './context.js';
import { newId } from './ids.js';
import type { WireCharge, WirePaymentIntent } from './objects.js';

function outcomeOf(decline: CardDecline | null): WireCharge['outcome'] {
  if (!decline) {
    return {
      type: 'authorized',
      network_status: 'approved_by_network',
      reason: null,
      seller_message: 'Payment complete.',
    };
  }
  return {
    type: 'issuer_declined',
    network_status: 'declined_by_network',
    reason: decline.declineCode,
    seller_message: 'The bank did not return any further details with this decline.',
  };
}

export function createCharge(
  ctx: SimContext,
  pi: WirePaymentIntent,
  paymentMethod: string,
  decline: CardDecline | null,
): WireCharge {
  const capture = pi.capture_method !== 'manual';
  const charge: WireCharge = {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: decline || !capture ? 0 : pi.amount,
    amount_refunded: 0,
    captured: !decline && capture,
    created: ctx.now(),
    currency: pi.currency,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    livemode: false,
    metadata: { ...pi.metadata },
    outcome: outcomeOf(decline),
    paid: !decline,
    payment_intent: pi.id,
    payment_method: paymentMethod,
    refunded: false,
    status: decline ? 'failed' : 'succeeded',
  };
  ctx.state.charges.put(charge.id, charge);
  ctx.emit(decline ? 'charge.failed' : 'charge.succeeded', charge);
  return charge;
}
