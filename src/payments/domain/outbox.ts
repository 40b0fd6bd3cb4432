/**
 * Provider work asked for by new events, written in the same append (no dual writes).
 * The provider idempotency key is the asking event's id, so every retry of one intent reuses
 * one provider key and never charges twice.
 */
import type { OutboxMessageInput } from '../../eventsourcing/eventStore.js';
import type { PaymentEvent, ProviderWorkKind } from './events.js';
import type { PaymentState } from './state.js';

export interface EventWithId<E = PaymentEvent> {
  id: string;
  event: E;
}

function message(
  kind: ProviderWorkKind,
  eventId: string,
  payload: Record<string, unknown>,
): OutboxMessageInput {
  payload.idempotencyKey = eventId;
  return { kind, dedupKey: `${kind}:${eventId}`, payload };
}

/**
 * A fresh payload object per message, fields in the same order as before (base, then the
 * message's own): built by assignment because V8 (Node 20) takes a slow path for properties
 * after an object spread, and this runs once per command.
 */
function payloadOf(state: PaymentState): Record<string, unknown> {
  return {
    paymentId: state.paymentId,
    providerPaymentId: state.providerPaymentId,
    currency: state.currency,
    paymentMethod: state.paymentMethod,
    captureMethod: state.captureMethod,
    customer: state.customer,
    description: state.description,
    metadata: state.metadata,
  };
}

/** `state` is the state after the events. */
export function outboxFor(events: readonly EventWithId[], state: PaymentState | null): OutboxMessageInput[] {
  if (state === null) return [];
  const out: OutboxMessageInput[] = [];
  for (const { id, event } of events) {
    switch (event.type) {
      case 'PaymentRequested': {
        const p = payloadOf(state);
        p.amount = event.data.amount;
        out.push(message('provider.create_payment', id, p));
        break;
      }
      case 'PaymentCaptureRequested': {
        const p = payloadOf(state);
        p.amount = event.data.amount;
        out.push(message('provider.capture', id, p));
        break;
      }
      case 'PaymentCancelRequested': {
        const p = payloadOf(state);
        p.amount = state.amount;
        p.reason = event.data.reason;
        out.push(message('provider.cancel', id, p));
        break;
      }
      case 'RefundRequested': {
        const p = payloadOf(state);
        p.refundId = event.data.refundId;
        p.amount = event.data.amount;
        p.reason = event.data.reason;
        out.push(message('provider.refund', id, p));
        break;
      }
      default:
        break;
    }
  }
  return out;
}
