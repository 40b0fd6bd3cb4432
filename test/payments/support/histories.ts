/**
 * Valid payment histories for read-side tests: random command scripts run through the decider's
 * decide/evolve (a command the state forbids is skipped), so every event sequence is one the
 * write side could have produced.
 */
import fc from 'fast-check';
import type { EventStore } from '../../../src/eventsourcing/eventStore.js';
import type { PaymentCommand } from '../../../src/payments/domain/commands.js';
import { type PaymentEvent, paymentStreamId } from '../../../src/payments/domain/events.js';
import { decide, evolve, type PaymentState } from '../../../src/payments/domain/payment.js';
import { paymentUpcasters } from '../../../src/payments/domain/upcasters.js';

export type Step =
  | { k: 'submit' }
  | { k: 'authorize'; frac: number }
  | { k: 'capture'; frac: number }
  | { k: 'requestCapture'; frac: number }
  | { k: 'fail' }
  | { k: 'requestCancel' }
  | { k: 'cancel' }
  | { k: 'refund'; frac: number }
  | { k: 'refundOk'; idx: number }
  | { k: 'refundFail'; idx: number };

export interface PaymentScript {
  paymentId: string;
  amount: number;
  currency: string;
  customer: string | null;
  captureMethod: 'automatic' | 'manual';
  /** Minutes after the base time at which the payment is created. */
  createdMinute: number;
  steps: Step[];
}

const frac = fc.double({ min: 0.05, max: 1, noNaN: true });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ k: 'submit' as const }),
  fc.record({ k: fc.constant('authorize' as const), frac }),
  fc.record({ k: fc.constant('capture' as const), frac }),
  fc.record({ k: fc.constant('requestCapture' as const), frac }),
  fc.constant({ k: 'fail' as const }),
  fc.constant({ k: 'requestCancel' as const }),
  fc.constant({ k: 'cancel' as const }),
  fc.record({ k: fc.constant('refund' as const), frac }),
  fc.record({ k: fc.constant('refundOk' as const), idx: fc.nat(3) }),
  fc.record({ k: fc.constant('refundFail' as const), idx: fc.nat(3) }),
);

export function scriptArb(index: number): fc.Arbitrary<PaymentScript> {
  return fc.record({
    paymentId: fc.constant(`pay_${String(index).padStart(6, '0')}`),
    amount: fc.integer({ min: 100, max: 100_000 }),
    currency: fc.constantFrom('usd', 'eur', 'gbp'),
    customer: fc.constantFrom(null, 'cus_a', 'cus_b'),
    captureMethod: fc.constantFrom('automatic' as const, 'manual' as const),
    createdMinute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    steps: fc.array(stepArb, { maxLength: 8 }),
  });
}

export const scriptsArb = (max: number): fc.Arbitrary<PaymentScript[]> =>
  fc.integer({ min: 1, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => scriptArb(i))));

export const BASE_TIME = Date.parse('2026-03-01T00:00:00.000Z');

function commandFor(step: Step, s: PaymentState, at: string, n: number): PaymentCommand {
  const part = (f: number, of: number) => Math.max(1, Math.floor(of * f));
  switch (step.k) {
    case 'submit':
      return { type: 'RecordSubmission', providerPaymentId: `pi_${s.paymentId}`, at };
    case 'authorize':
      return {
        type: 'RecordAuthorization',
        providerPaymentId: `pi_${s.paymentId}`,
        amountAuthorized: s.amount,
        at,
      };
    case 'capture':
      return {
        type: 'RecordCapture',
        providerPaymentId: `pi_${s.paymentId}`,
        amount: s.amountAuthorized > 0 ? part(step.frac, s.amountAuthorized) : s.amount,
        at,
      };
    case 'requestCapture':
      return { type: 'RequestCapture', amount: part(step.frac, Math.max(1, s.amountCapturable)), at };
    case 'fail':
      return {
        type: 'RecordFailure',
        providerPaymentId: null,
        code: 'card_declined',
        declineCode: 'generic_decline',
        message: 'declined',
        at,
      };
    case 'requestCancel':
      return { type: 'RequestCancel', reason: 'requested_by_customer', at };
    case 'cancel':
      return { type: 'RecordCancellation', reason: null, at };
    case 'refund':
      return {
        type: 'RequestRefund',
        refundId: `re_${n}`,
        amount: part(step.frac, Math.max(1, s.amountCaptured)),
        reason: null,
        at,
      };
    case 'refundOk':
      return {
        type: 'RecordRefundSucceeded',
        refundId: s.refunds[step.idx]?.id ?? 're_x',
        providerRefundId: `pr_${n}`,
        at,
      };
    case 'refundFail':
      return {
        type: 'RecordRefundFailed',
        refundId: s.refunds[step.idx]?.id ?? 're_x',
        code: null,
        message: 'failed',
        at,
      };
  }
}

/** The events of one script (each a list of events one command produced). */
export function eventsOf(script: PaymentScript): PaymentEvent[][] {
  const created = BASE_TIME + script.createdMinute * 60_000;
  const at = (i: number) => new Date(created + i * 1000).toISOString();
  const first = decide(
    {
      type: 'RequestPayment',
      paymentId: script.paymentId,
      amount: script.amount,
      currency: script.currency,
      captureMethod: script.captureMethod,
      paymentMethod: 'pm_card_visa',
      customer: script.customer,
      description: null,
      metadata: { order: script.paymentId },
      at: at(0),
    },
    null,
  );
  const out = [first];
  let state = first.reduce<PaymentState | null>(evolve, null)!;
  script.steps.forEach((step, i) => {
    let events: PaymentEvent[];
    try {
      events = decide(commandFor(step, state, at(i + 1), i), state);
    } catch {
      return; // the state forbids it: the write side would have rejected the command
    }
    if (events.length === 0) return;
    out.push(events);
    state = events.reduce<PaymentState | null>(evolve, state)!;
  });
  return out;
}

/** Appends the scripts' commands round-robin (payments interleave in the log), at the current schema versions. */
export async function appendScripts(store: EventStore, scripts: PaymentScript[]): Promise<string> {
  const queues = scripts.map((s) => ({ id: s.paymentId, batches: eventsOf(s) }));
  let checkpoint = '';
  for (let round = 0; queues.some((q) => round < q.batches.length); round++) {
    for (const q of queues) {
      const batch = q.batches[round];
      if (!batch) continue;
      const r = await store.append(
        paymentStreamId(q.id),
        batch.map((e) => ({
          type: e.type,
          schemaVersion: paymentUpcasters.currentVersion(e.type),
          data: e.data,
        })),
      );
      checkpoint = r.checkpoint;
    }
  }
  return checkpoint;
}
