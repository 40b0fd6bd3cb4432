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
  return { kind, dedupKey: `${kind}:${eventId}`, payload: { ...payload, idempotencyKey: eventId } };
}

/** `state` is the state after the events. */
export function outboxFor(events: readonly EventWithId[], state: PaymentState | null): OutboxMessageInput[] {
  if (state === null) return [];
  const base = {
    paymentId: state.paymentId,
    providerPaymentId: state.providerPaymentId,
    currency: state.currency,
    paymentMethod: state.paymentMethod,
    captureMethod: state.captureMethod,
    customer: state.customer,
    description: state.description,
    metadata: state.metadata,
  };
  const out: OutboxMessageInput[] = [];
  for (const { id, event } of events) {
    switch (event.type) {
      case 'PaymentRequested':
        out.push(message('provider.create_payment', id, { ...base, amount: event.data.amount }));
        break;
      case 'PaymentCaptureRequested':
        out.push(message('provider.capture', id, { ...base, amount: event.data.amount }));
        break;
      case 'PaymentCancelRequested':
        out.push(
          message('provider.cancel', id, { ...base, amount: state.amount, reason: event.data.reason }),
        );
        break;
      case 'RefundRequested': {
        const { refundId, amount, reason } = event.data;
        out.push(message('provider.refund', id, { ...base, refundId, amount, reason }));
        break;
      }
      default:
        break;
    }
  }
  return out;
}
