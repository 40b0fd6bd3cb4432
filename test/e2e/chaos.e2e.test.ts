/**
 * CHAOS, short form for CI: the simulator answers 20% of API calls with 5xx/429, lets 10% time out
 * after processing them, drops 30% of webhooks and duplicates, reorders and delays others, while
 * 150 payments (mixed cards, manual captures, cancels, refunds) run concurrently. After the
 * dispatcher drains and ONE reconciliation, every payment must equal the provider's state, nothing
 * may be charged twice, no acknowledged event may be missing and every dead letter must say why.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PaymentState } from '../../src/payments/domain/payment.js';
import { createProviderPolicy } from '../../src/payments/provider/policy.js';
import type { PaymentProvider } from '../../src/payments/provider/port.js';
import { Reconciler } from '../../src/payments/provider/reconciler.js';
import { wrapProvider } from '../support/wrapProvider.js';
import {
  type Ack,
  compareWithProvider,
  countFaults,
  doubleCharges,
  lostEvents,
} from './support/chaosChecks.js';
import { type Harness, startHarness, until } from './support/harness.js';

const PAYMENTS = 150;
const CARDS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_mastercard',
  'pm_card_chargeDeclined',
  'pm_card_chargeDeclinedInsufficientFunds',
  'pm_card_visa',
];
const ctx = (n: number) => ({ actor: 'key_chaos', correlationId: `chaos-${n}` });

let lostAnswers = 0;

/**
 * One create in 15 reaches the provider but its answer is "lost" as a permanent 403 (a proxy in
 * between): the message dead-letters at once and only webhooks (30% dropped) or reconciliation
 * can tell us what happened.
 */
function loseSomeAnswers(real: PaymentProvider): PaymentProvider {
  const p: PaymentProvider = wrapProvider(real);
  let calls = 0;
  p.createPayment = async (req) => {
    const r = await real.createPayment(req);
    calls += 1;
    if (calls % 15 !== 7) return r;
    lostAnswers += 1;
    return {
      outcome: 'permanent',
      code: 'proxy_forbidden',
      message: 'answer lost behind a proxy',
      status: 403,
    };
  };
  return p;
}

async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
}

describe('chaos: faults at the provider, concurrent load, then one reconciliation', () => {
  let h: Harness;
  let faults: ReturnType<typeof countFaults>;
  before(async () => {
    h = await startHarness({
      faults: {
        seed: 20_261_127,
        errorRate: 0.2,
        errorStatuses: [500, 502, 503, 429],
        timeoutRate: 0.1,
        timeoutMode: 'destroy',
        timeoutAfterMs: 20,
        webhook: { dropRate: 0.3, duplicateRate: 0.15, reorderRate: 0.15, delayRate: 0.1, delayMs: 50 },
      },
      webhookRetry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2_000, reorderHoldMs: 50 },
      providerTimeoutMs: 2_000,
      policy: {
        maxAttempts: 3,
        initialDelayMs: 5,
        maxDelayMs: 50,
        timeoutMs: 2_000,
        breakerThreshold: 25,
        halfOpenAfterMs: 100,
      },
      dispatcher: { maxAttempts: 8, pollIntervalMs: 20, batchSize: 32, backoff: { baseMs: 10, maxMs: 200 } },
      config: { api: { paymentWaitMs: 0 } },
      wrapProvider: loseSomeAnswers,
    });
    faults = countFaults(h.sim);
  });
  after(async () => {
    const t0 = Date.now();
    await h.close();
    console.log('close took', Date.now() - t0);
  });

  const drained = () =>
    until(
      async () => {
        const s = await h.outbox.stats();
        return s.pending + s.leased === 0 ? s : undefined;
      },
      'the outbox to drain',
      45_000,
    );

  it('ends with every payment equal to the provider, none charged twice, nothing lost', async (t) => {
    const started = Date.now();
    const acks: Ack[] = [];
    const ids: string[] = [];
    await pool(
      Array.from({ length: PAYMENTS }, (_, i) => i),
      24,
      async (_, i) => {
        const manual = i % 4 === 1;
        const r = await h.commands.createPayment(
          {
            amount: 1_000 + i * 37,
            currency: i % 3 === 0 ? 'usd' : 'eur',
            paymentMethod: CARDS[i % CARDS.length]!,
            captureMethod: manual ? 'manual' : 'automatic',
          },
          ctx(i),
        );
        ids[i] = r.paymentId;
        acks.push({
          paymentId: r.paymentId,
          version: r.version,
          globalPosition: r.globalPosition,
          what: 'create',
        });
      },
    );
    await drained();

    // Second wave, concurrent: capture (some partially) or cancel the authorized, refund some captured.
    let captures = 0;
    let cancels = 0;
    let refunds = 0;
    await pool(ids, 24, async (id, i) => {
      const s = (await h.flow.loadPayment(id)) as PaymentState;
      let r: Awaited<ReturnType<typeof h.commands.capturePayment>> | undefined;
      if (s.status === 'requires_capture' && i % 5 === 1) {
        r = await h.commands.cancelPayment(id, { reason: 'requested_by_customer' }, ctx(i));
        cancels += 1;
      } else if (s.status === 'requires_capture') {
        r = await h.commands.capturePayment(
          id,
          { amount: i % 3 === 0 ? Math.floor(s.amount * 0.6) : s.amount },
          ctx(i),
        );
        captures += 1;
      } else if (s.status === 'succeeded' && i % 3 === 0) {
        r = await h.commands.refundPayment(
          id,
          { amount: Math.floor(s.amountCaptured * (i % 2 ? 0.3 : 1)) },
          ctx(i),
        );
        refunds += 1;
      }
      if (r)
        acks.push({ paymentId: id, version: r.version, globalPosition: r.globalPosition, what: 'follow-up' });
    });
    await drained();
    await h.sim.webhooks.idle();

    // ONE reconciliation. It talks to the same faulty provider, so it gets a more patient policy.
    const reconciler = new Reconciler({
      store: h.store,
      outbox: h.outbox,
      provider: h.provider,
      policy: createProviderPolicy({
        maxAttempts: 12,
        initialDelayMs: 5,
        maxDelayMs: 50,
        timeoutMs: 2_000,
        breakerThreshold: 1_000,
      }),
      recorder: h.flow.recorder,
      loadPayment: h.flow.loadPayment,
    });
    const report = await reconciler.reconcile({ since: new Date(started - 60_000) });
    await drained();

    const states = (await Promise.all(ids.map((id) => h.flow.loadPayment(id)))) as PaymentState[];
    const mismatches = compareWithProvider(states, h.sim.snapshot());
    const views = await Promise.all(ids.map((id) => h.queries.getPayment(id)));
    const readModelLag = views.filter((v, i) => {
      const s = states[i]!;
      return (
        !v ||
        v.status !== s.status ||
        v.amount_captured !== s.amountCaptured ||
        v.amount_refunded !== s.amountRefunded
      );
    });
    const charges = doubleCharges(h.sim);
    const lost = await lostEvents(h, acks);
    const deadBefore = report.items
      .flatMap((i) => i.detail)
      .filter((d) => d.startsWith('retried dead letter'));
    const dead = await h.outbox.list({ state: 'dead', limit: 10_000 });
    const unexplained = dead.filter((m) => !m.lastError);
    const byStatus: Record<string, number> = {};
    for (const s of states) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;

    const figures = {
      payments: PAYMENTS,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      statuses: byStatus,
      follow_ups: { captures, cancels, refunds },
      faults_injected: { ...faults, create_answers_lost: lostAnswers },
      reconciliation: report.counts,
      corrections_made: report.counts.corrected,
      dead_letters_retried_by_reconciliation: deadBefore.length,
      dead_letters_left: dead.length,
      mismatches_left: mismatches.length,
      double_charges: charges.length,
      lost_events: lost.length,
    };
    for (const m of dead.slice(0, 5)) t.diagnostic(`dead ${m.kind} attempts=${m.attempts}: ${m.lastError}`);
    t.diagnostic(`chaos figures ${JSON.stringify(figures)}`);
    console.log('chaos figures', JSON.stringify(figures, null, 2));

    assert.deepEqual(mismatches, [], 'every payment equals the provider');
    assert.deepEqual(charges, [], 'nothing charged twice');
    assert.deepEqual(lost, [], 'every acknowledged command is in the log');
    assert.deepEqual(
      unexplained.map((m) => m.id),
      [],
      'every dead letter says why',
    );
    assert.equal(readModelLag.length, 0, 'the read model shows the same state');
    assert.equal(report.counts.conflicting + report.counts.errors, 0, 'nothing left for a person');
    assert.ok(
      faults.api_5xx_429 > 0 && faults.api_timeout > 0 && faults.webhook_dropped > 0,
      'faults were injected',
    );
  });
});
