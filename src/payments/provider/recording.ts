/**
 * The provider flow's door to the write side: load a payment's current state, and run
 * provider-originated commands through helper PaymentRecorder (the command handler), so every
 * outcome becomes events with the same conflict retries and idempotent decisions as API commands.
 */
import type { EventStore, SnapshotStore } from '../../eventsourcing/eventStore.js';
import { loadAggregate } from '../../eventsourcing/loadAggregate.js';
import { amountRange, type Metrics } from '../../observability/metrics.js';
import type { PaymentRecorder } from '../commands/paymentRecorder.js';
import type { PaymentCommand } from '../domain/commands.js';
import { type PaymentEvent, paymentStreamId } from '../domain/events.js';
import { PAYMENT_STATE_SCHEMA_VERSION, type PaymentState, paymentDecider } from '../domain/payment.js';
import { paymentUpcasters } from '../domain/upcasters.js';
import type { CommandContext } from '../services.js';

export type PaymentLoader = (paymentId: string) => Promise<PaymentState | null>;

export function paymentLoader(
  store: Pick<EventStore, 'readStream'>,
  snapshots?: SnapshotStore,
): PaymentLoader {
  return async (paymentId) => {
    const loaded = await loadAggregate<PaymentEvent, PaymentState | null>({
      store,
      ...(snapshots ? { snapshots } : {}),
      decider: paymentDecider,
      streamId: paymentStreamId(paymentId),
      upcasters: paymentUpcasters,
      snapshotSchemaVersion: PAYMENT_STATE_SCHEMA_VERSION,
    });
    return loaded.state;
  };
}

export interface OutcomeObserver {
  metrics: Metrics;
  loadPayment: PaymentLoader;
}

const OUTCOMES: Record<string, string> = {
  PaymentCaptured: 'succeeded',
  PaymentAuthorized: 'requires_capture',
  PaymentFailed: 'failed',
};

/** Runs the commands in order; returns the types of the events they wrote. */
export async function recordAll(
  recorder: PaymentRecorder,
  paymentId: string,
  commands: PaymentCommand[],
  ctx: CommandContext,
  observer?: OutcomeObserver,
): Promise<string[]> {
  const written: string[] = [];
  for (const c of commands) written.push(...(await recordOne(recorder, paymentId, c, ctx)));
  if (observer) await observeOutcome(observer, paymentId, written);
  return written;
}

/**
 * payments_processed_total and payment_processing_duration_seconds, counted where an outcome is
 * written (whichever path learned it: dispatcher, webhook or reconciliation), so each counts once.
 */
async function observeOutcome(o: OutcomeObserver, paymentId: string, written: string[]): Promise<void> {
  const type = written.find((t) => OUTCOMES[t]);
  if (!type) return;
  const s = await o.loadPayment(paymentId);
  if (!s) return;
  const status = OUTCOMES[type]!;
  o.metrics.paymentsProcessed.inc({ currency: s.currency, amount_range: amountRange(s.amount), status });
  const seconds = Math.max(0, (Date.now() - Date.parse(s.createdAt)) / 1000);
  o.metrics.paymentProcessingDuration.observe({ currency: s.currency, status }, seconds);
}

async function recordOne(
  r: PaymentRecorder,
  id: string,
  c: PaymentCommand,
  ctx: CommandContext,
): Promise<string[]> {
  switch (c.type) {
    case 'RecordSubmission':
      return (await r.recordSubmission(id, { ...c }, ctx)).eventTypes;
    case 'RecordAuthorization':
      return (await r.recordAuthorization(id, { ...c }, ctx)).eventTypes;
    case 'RecordCapture':
      return (await r.recordCapture(id, { ...c }, ctx)).eventTypes;
    case 'RecordFailure':
      return (await r.recordFailure(id, { ...c }, ctx)).eventTypes;
    case 'RecordCancellation':
      return (await r.recordCancellation(id, { ...c }, ctx)).eventTypes;
    case 'RecordCaptureRejection':
      return (await r.recordCaptureRejection(id, { ...c }, ctx)).eventTypes;
    case 'RecordCancelRejection':
      return (await r.recordCancelRejection(id, { ...c }, ctx)).eventTypes;
    case 'RecordRefundSucceeded':
      return (await r.recordRefundSucceeded(id, { ...c }, ctx)).eventTypes;
    case 'RecordRefundFailed':
      return (await r.recordRefundFailed(id, { ...c }, ctx)).eventTypes;
    case 'CorrectFromProvider':
      return (await r.correctFromProvider(id, { ...c }, ctx)).eventTypes;
    default:
      throw new TypeError(`not a provider outcome: ${(c as PaymentCommand).type}`);
  }
}
