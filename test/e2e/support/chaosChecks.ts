/**
 * What the chaos test checks once the storm is over: our state against the provider's (the
 * simulator's admin truth, which no fault touches), charges, the log and the dead letters.
 */
import assert from 'node:assert/strict';
import type { EventStore } from '../../../src/eventsourcing/eventStore.js';
import type { PaymentState } from '../../../src/payments/domain/payment.js';
import type { SimSnapshot, Simulator } from '../../../src/simulator/index.js';

export interface Ack {
  paymentId: string;
  version: number;
  globalPosition: number;
  what: string;
}

type Intent = SimSnapshot['payment_intents'][number];

function providerStatus(t: Intent): string {
  const s = t.payment_intent.status;
  if (s === 'requires_payment_method') return t.payment_intent.last_payment_error ? 'failed' : 'processing';
  if (s === 'succeeded' || s === 'requires_capture' || s === 'canceled') return s;
  return 'processing';
}

/** Mismatches between our state of each payment and the provider's intent for it. */
export function compareWithProvider(states: PaymentState[], snap: SimSnapshot): string[] {
  const byPayment = new Map<string, Intent[]>();
  for (const t of snap.payment_intents) {
    const id = t.payment_intent.metadata?.paystream_payment_id;
    if (id) byPayment.set(id, [...(byPayment.get(id) ?? []), t]);
  }
  const out: string[] = [];
  for (const s of states) {
    const intents = byPayment.get(s.paymentId) ?? [];
    if (intents.length !== 1) {
      out.push(`${s.paymentId}: ${intents.length} provider intents`);
      continue;
    }
    const t = intents[0]!;
    const refunded = t.refunds.filter((r) => r.status === 'succeeded').reduce((n, r) => n + r.amount, 0);
    const ours = {
      status: s.status,
      captured: s.amountCaptured,
      refunded: s.amountRefunded,
      ppid: s.providerPaymentId,
    };
    const theirs = {
      status: providerStatus(t),
      captured: t.payment_intent.amount_received,
      refunded,
      ppid: t.payment_intent.id,
    };
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      out.push(`${s.paymentId}: ours ${JSON.stringify(ours)} provider ${JSON.stringify(theirs)}`);
    }
    for (const r of s.refunds) {
      const pr = t.refunds.find((x) => x.metadata?.paystream_refund_id === r.id);
      const prStatus = pr
        ? pr.status === 'succeeded'
          ? 'succeeded'
          : pr.status === 'pending'
            ? 'pending'
            : 'failed'
        : 'missing';
      if (prStatus !== r.status) out.push(`${s.paymentId}/${r.id}: ours ${r.status} provider ${prStatus}`);
    }
  }
  return out;
}

/** Double charges: more than one successful capture per intent, per payment, or money beyond amounts. */
export function doubleCharges(sim: Simulator): string[] {
  const out: string[] = [];
  const charged = new Map<string, number>();
  for (const t of sim.snapshot().payment_intents) {
    const pi = t.payment_intent;
    if (t.captures > 1) out.push(`${pi.id} captured ${t.captures} times`);
    if (pi.amount_received > pi.amount) out.push(`${pi.id} received ${pi.amount_received} > ${pi.amount}`);
    const refunds = t.refunds
      .filter((r) => r.status !== 'failed' && r.status !== 'canceled')
      .reduce((n, r) => n + r.amount, 0);
    if (refunds > pi.amount_received)
      out.push(`${pi.id} refunded ${refunds} > received ${pi.amount_received}`);
    const id = pi.metadata?.paystream_payment_id;
    if (id && t.captures > 0) charged.set(id, (charged.get(id) ?? 0) + 1);
  }
  for (const [id, n] of charged) if (n > 1) out.push(`${id} charged by ${n} intents`);
  return out;
}

/** Acknowledged commands whose events are not in the log at the acknowledged position. */
export async function lostEvents(store: Pick<EventStore, 'readStream'>, acks: Ack[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of acks) {
    const [e] = await store.readStream(`payment-${a.paymentId}`, { from: a.version, limit: 1 });
    if (!e || e.globalPosition !== a.globalPosition)
      out.push(`${a.what} ${a.paymentId} v${a.version} missing`);
  }
  return out;
}

/** Counts faults as the simulator draws them. */
export function countFaults(sim: Simulator) {
  const c = {
    api_5xx_429: 0,
    api_timeout: 0,
    webhook_dropped: 0,
    webhook_duplicated: 0,
    webhook_reordered: 0,
    webhook_delayed: 0,
  };
  const api = sim.faults.nextApiFault.bind(sim.faults);
  const hook = sim.faults.nextWebhookFault.bind(sim.faults);
  sim.faults.nextApiFault = () => {
    const f = api();
    if (f.kind === 'error') c.api_5xx_429 += 1;
    if (f.kind === 'timeout') c.api_timeout += 1;
    return f;
  };
  sim.faults.nextWebhookFault = () => {
    const f = hook();
    c.webhook_dropped += Number(f.drop);
    c.webhook_duplicated += Number(f.duplicate);
    c.webhook_reordered += Number(f.reorder);
    c.webhook_delayed += Number(f.delayMs > 0);
    return f;
  };
  return c;
}

/** The verdict every chaos run must reach once the dispatcher drained and one reconciliation ran. */
export function assertSettled(v: {
  mismatches: string[];
  charges: string[];
  missing: string[];
  dead: Array<{ id: string; lastError: string | null }>;
  counts: { conflicting: number; errors: number };
}): void {
  assert.deepEqual(v.mismatches, [], 'every payment equals the provider');
  assert.deepEqual(v.charges, [], 'nothing charged twice');
  assert.deepEqual(v.missing, [], 'every acknowledged command is in the log');
  assert.deepEqual(
    v.dead.filter((m) => !m.lastError).map((m) => m.id),
    [],
    'every dead letter says why',
  );
  assert.equal(v.counts.conflicting + v.counts.errors, 0, 'nothing left for a person');
}
