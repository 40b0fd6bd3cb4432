/**
 * The local side of reconciliation: every payment folded from the event store in one pass over
 * the payment streams (readAll with the stream prefix), keeping those still in flight or touched
 * since `since`. One sequential scan is cheap next to a provider call per payment; a deployment with
 * millions of payments can pass its own candidate list from the read model instead.
 */
import type { EventStore } from '../../eventsourcing/eventStore.js';
import { PAYMENT_STREAM_PREFIX, type PaymentEvent } from '../domain/events.js';
import { evolve, type PaymentState } from '../domain/payment.js';
import { paymentUpcasters } from '../domain/upcasters.js';

export interface LocalPayment {
  paymentId: string;
  state: PaymentState;
  /** Id of the PaymentRequested event: the provider idempotency key of the create. */
  requestedEventId: string;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

export async function localPayments(store: EventStore, since: Date): Promise<LocalPayment[]> {
  const states = new Map<string, { state: PaymentState | null; requestedEventId: string }>();
  let after = '';
  for (;;) {
    const page = await store.readAll({ after, limit: 1000, streamPrefix: PAYMENT_STREAM_PREFIX });
    for (const raw of page) {
      const e = paymentUpcasters.upcast(raw) as unknown as PaymentEvent & { id: string; streamId: string };
      const entry = states.get(raw.streamId) ?? { state: null, requestedEventId: raw.id };
      entry.state = evolve(entry.state, e);
      states.set(raw.streamId, entry);
    }
    if (page.length < 1000) break;
    after = page[page.length - 1]!.checkpoint;
  }
  const cutoff = since.toISOString();
  const out: LocalPayment[] = [];
  for (const { state, requestedEventId } of states.values()) {
    if (!state) continue;
    if (TERMINAL.has(state.status) && state.updatedAt < cutoff) continue;
    out.push({ paymentId: state.paymentId, state, requestedEventId });
  }
  return out;
}
