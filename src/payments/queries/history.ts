/**
 * The audit trail and time travel, both read from the payment's own stream (not the read model):
 * the events with their metadata, upcast to the current shapes, and the state folded with the
 * decider's evolve up to a version or a time.
 */
import type { EventStore, RecordedEvent } from '../../eventsourcing/eventStore.js';
import { ValidationError } from '../../shared/errors.js';
import { type PaymentEvent, paymentStreamId } from '../domain/events.js';
import { evolve, type PaymentState, toPaymentView } from '../domain/payment.js';
import { paymentUpcasters } from '../domain/upcasters.js';
import type { AuditEntry, PaymentView } from '../views.js';

async function readPayment(store: EventStore, paymentId: string): Promise<RecordedEvent[]> {
  return paymentUpcasters.upcastAll(await store.readStream(paymentStreamId(paymentId)));
}

export async function paymentHistory(
  store: EventStore,
  paymentId: string,
): Promise<AuditEntry[] | undefined> {
  const events = await readPayment(store, paymentId);
  if (events.length === 0) return undefined;
  return events.map((e) => ({
    id: e.id,
    type: e.type,
    schema_version: e.schemaVersion,
    stream_version: e.streamVersion,
    global_position: e.globalPosition,
    data: e.data,
    metadata: { ...e.metadata },
    recorded_at: e.recordedAt.toISOString(),
  }));
}

/**
 * The payment as it was: events up to `version` (inclusive) and/or recorded at or before `time`.
 * Undefined when the payment did not exist yet (or at all).
 */
export async function paymentAsOf(
  store: EventStore,
  paymentId: string,
  at: { version?: number; time?: Date },
): Promise<PaymentView | undefined> {
  if (at.version !== undefined && (!Number.isSafeInteger(at.version) || at.version < 0)) {
    throw new ValidationError('version must be a non-negative integer', { field: 'version' });
  }
  if (at.time !== undefined && Number.isNaN(at.time.getTime())) {
    throw new ValidationError('time must be a valid date', { field: 'time' });
  }
  const events = await readPayment(store, paymentId);
  let state: PaymentState | null = null;
  let version = 0;
  for (const e of events) {
    if (at.version !== undefined && e.streamVersion > at.version) break;
    if (at.time !== undefined && e.recordedAt.getTime() > at.time.getTime()) break;
    state = evolve(state, { type: e.type, data: e.data } as PaymentEvent);
    version = e.streamVersion;
  }
  return state ? toPaymentView(state, version) : undefined;
}
