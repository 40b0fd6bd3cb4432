/**
 * The command service under concurrency, on the memory store: random batches of API calls and
 * provider outcomes run with Promise.all, idempotency keys reused at random. Whatever the
 * interleaving, each key has exactly one effect, every intent event has its outbox row, and the
 * stored events fold to a state within the money invariants.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { EventSourcedPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { PaymentRecorder } from '../../../src/payments/commands/paymentRecorder.js';
import type { PaymentEvent } from '../../../src/payments/domain/events.js';
import { foldPayment } from '../../../src/payments/domain/payment.js';
import { committedRefunds } from '../../../src/payments/domain/state.js';
import { isPaystreamError } from '../../../src/shared/errors.js';

type Op =
  | { kind: 'capture' | 'cancel'; key: number | null }
  | { kind: 'refund'; amount: number; key: number | null }
  | { kind: 'authorize' | 'captured' | 'refundOutcome'; ok: boolean };

const key = fc.option(fc.integer({ min: 0, max: 3 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('capture' as const, 'cancel' as const), key }),
  fc.record({ kind: fc.constant('refund' as const), amount: fc.integer({ min: 1, max: 600 }), key }),
  fc.record({
    kind: fc.constantFrom('authorize' as const, 'captured' as const, 'refundOutcome' as const),
    ok: fc.boolean(),
  }),
);
const INTENTS = new Set([
  'PaymentRequested',
  'PaymentCaptureRequested',
  'PaymentCancelRequested',
  'RefundRequested',
]);

test('concurrent commands: one effect per idempotency key, an outbox row per intent, invariants hold', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { maxLength: 6 }),
      async (batches) => {
        const store = new MemoryEventStore();
        const deps = { store, snapshots: store, snapshotEvery: 3, maxRetries: 100 };
        const service = new EventSourcedPaymentCommandService(deps);
        const recorder = new PaymentRecorder(deps);
        const ctx = (k: number | null) => ({
          actor: 'key_1',
          correlationId: 'c',
          ...(k === null ? {} : { idempotencyKey: `k${k}` }),
        });
        const sys = { actor: 'system:test', correlationId: 's' };
        const { paymentId } = await service.createPayment(
          { amount: 1000, currency: 'usd', paymentMethod: 'pm', captureMethod: 'manual' },
          ctx(null),
        );
        const byKey = new Map<string, Set<string>>();
        const settleRefund = async (ok: boolean) => {
          const events = await store.readStream(`payment-${paymentId}`);
          const data = events.find((e) => e.type === 'RefundRequested')?.data as
            | { refundId?: string }
            | undefined;
          if (!data?.refundId) return;
          const refundId = data.refundId;
          if (ok)
            await recorder.recordRefundSucceeded(
              paymentId,
              { refundId, providerRefundId: `pr_${refundId}` },
              sys,
            );
          else await recorder.recordRefundFailed(paymentId, { refundId, code: null, message: 'no' }, sys);
        };
        const call = (op: Op) => {
          switch (op.kind) {
            case 'capture':
              return service.capturePayment(paymentId, {}, ctx(op.key));
            case 'cancel':
              return service.cancelPayment(paymentId, {}, ctx(op.key));
            case 'refund':
              return service.refundPayment(paymentId, { amount: op.amount }, ctx(op.key));
            case 'authorize':
              return recorder.recordAuthorization(
                paymentId,
                { providerPaymentId: 'pi', amountAuthorized: 1000 },
                sys,
              );
            case 'captured':
              return recorder.recordCapture(paymentId, { providerPaymentId: 'pi', amount: 1000 }, sys);
            case 'refundOutcome':
              return settleRefund(op.ok);
          }
        };
        const run = async (op: Op): Promise<void> => {
          const r = await call(op);
          if (r && 'key' in op && op.key !== null) {
            const seen = byKey.get(`k${op.key}`) ?? new Set<string>();
            seen.add(`${r.version}:${r.refundId ?? ''}`);
            byKey.set(`k${op.key}`, seen);
          }
        };
        for (const batch of batches) {
          const settled = await Promise.allSettled(batch.map(run));
          for (const s of settled) {
            if (s.status === 'rejected') assert.ok(isPaystreamError(s.reason), String(s.reason));
          }
        }
        for (const [k, results] of byKey) assert.equal(results.size, 1, `one effect for ${k}`);
        const events = await store.readStream(`payment-${paymentId}`);
        assert.equal(store.outbox.size, events.filter((e) => INTENTS.has(e.type)).length);
        const state = foldPayment(events as unknown as PaymentEvent[]);
        assert.ok(state);
        assert.ok(state.amountCaptured <= state.amountAuthorized && state.amountAuthorized <= state.amount);
        assert.ok(state.amountRefunded <= state.amountCaptured);
        assert.ok(committedRefunds(state) <= state.amountCaptured);
      },
    ),
    { numRuns: 150 },
  );
});
