/**
 * Load time of a 10,000-event payment stream with a snapshot 50 events from the head, versus
 * folded from the start. Part of bench:commands.
 */
import type { EventStore, NewEvent, SnapshotStore } from '../src/eventsourcing/eventStore.js';
import { loadAggregate } from '../src/eventsourcing/loadAggregate.js';
import { newPaymentId } from '../src/payments/commands/ids.js';
import { paymentStreamId } from '../src/payments/domain/events.js';
import { PAYMENT_STATE_SCHEMA_VERSION, paymentDecider } from '../src/payments/domain/payment.js';
import { paymentUpcasters } from '../src/payments/domain/upcasters.js';
import { median } from './lib/harness.js';

const at = '2026-01-01T00:00:00.000Z';

type Shape = 'corrections' | 'refunds';

/**
 * 'corrections': provider corrections flipping the captured amount, so the state stays small;
 * 'refunds': 9,997 refund requests, so the state (and the snapshot) grows with the stream.
 */
function streamEvents(paymentId: string, n: number, shape: Shape): NewEvent[] {
  const amount = 99_999_900;
  const head: NewEvent[] = [
    {
      type: 'PaymentRequested',
      schemaVersion: 2,
      data: {
        paymentId,
        amount,
        currency: 'eur',
        captureMethod: 'automatic',
        paymentMethod: 'pm_card_visa',
        customer: null,
        description: null,
        metadata: {},
        requestedAt: at,
      },
    },
    { type: 'PaymentSubmitted', data: { paymentId, providerPaymentId: 'pi_1', submittedAt: at } },
    { type: 'PaymentCaptured', data: { paymentId, providerPaymentId: 'pi_1', amount, capturedAt: at } },
  ];
  const rest = Array.from({ length: n - head.length }, (_, i) =>
    shape === 'refunds'
      ? {
          type: 'RefundRequested',
          data: { paymentId, refundId: `re_${i}`, amount: 1, reason: null, requestedAt: at },
        }
      : {
          type: 'ProviderStateCorrected',
          data: {
            paymentId,
            source: 'reconciliation',
            providerPaymentId: 'pi_1',
            status: 'succeeded',
            amountCapturable: 0,
            amountCaptured: amount - (i % 2),
            amountRefunded: 0,
            failure: null,
            refunds: [],
            reason: 'bench',
            correctedAt: at,
          },
        },
  );
  return [...head, ...rest];
}

async function timeLoads(load: () => Promise<unknown>, times: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await load();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** Median load times in ms: with a snapshot (cold, no cache) and folded from the start. */
export async function benchStreamLoad(
  store: EventStore & SnapshotStore,
  shape: Shape,
  /** Refreshes planner statistics after the bulk load (PostgreSQL: ANALYZE, as autovacuum would). */
  analyze?: () => Promise<unknown>,
): Promise<{ snapshotMs: number; fullMs: number }> {
  const paymentId = newPaymentId();
  const streamId = paymentStreamId(paymentId);
  const events = streamEvents(paymentId, 10_000, shape);
  for (let i = 0; i < events.length; i += 500) await store.append(streamId, events.slice(i, i + 500));
  await analyze?.();
  const base = { store, decider: paymentDecider, streamId, upcasters: paymentUpcasters };
  const full = await loadAggregate({ ...base, snapshotEvery: 0 });
  const atVersion = await loadAggregate({
    ...base,
    snapshotEvery: 0,
    store: { readStream: (s, o) => store.readStream(s, { ...o, limit: 9_950 }) },
  });
  await store.saveSnapshot({
    streamId,
    version: atVersion.version,
    schemaVersion: PAYMENT_STATE_SCHEMA_VERSION,
    state: {
      state: atVersion.state,
      checkpoint: atVersion.checkpoint,
      globalPosition: atVersion.globalPosition,
    },
    takenAt: new Date(),
  });
  const withSnapshot = { ...base, snapshots: store, snapshotSchemaVersion: PAYMENT_STATE_SCHEMA_VERSION };
  const check = await loadAggregate(withSnapshot);
  if (check.version !== full.version || check.tailLength !== 50) throw new Error('snapshot load mismatch');
  return {
    snapshotMs: await timeLoads(() => loadAggregate(withSnapshot), 21),
    fullMs: await timeLoads(() => loadAggregate({ ...base, snapshotEvery: 0 }), 5),
  };
}
