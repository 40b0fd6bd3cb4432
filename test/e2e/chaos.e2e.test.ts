/**
 * CHAOS, short form for CI (SQLite, the full HTTP stack): the simulator answers 20% of API calls
 * with 5xx/429, lets 10% time out after processing them, drops 30% of webhooks and duplicates,
 * reorders and delays others; one create answer in 15 is lost outright (dead letter). 150 payments
 * (mixed cards, manual captures, cancels, refunds) run concurrently. After the dispatcher drains
 * and ONE reconciliation, every payment must equal the provider's state, nothing may be charged
 * twice, no acknowledged event may be missing and every dead letter must say why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PaymentState } from '../../src/payments/domain/payment.js';
import { createProviderPolicy } from '../../src/payments/provider/policy.js';
import { Reconciler } from '../../src/payments/provider/reconciler.js';
import {
  assertSettled,
  compareWithProvider,
  countFaults,
  doubleCharges,
  lostEvents,
} from './support/chaosChecks.js';
import {
  CHAOS_DISPATCHER,
  CHAOS_FAULTS,
  CHAOS_POLICY,
  CHAOS_WEBHOOK_RETRY,
  drained,
  loseSomeAnswers,
  runWorkload,
} from './support/chaosScenario.js';
import { type Harness, startHarness } from './support/harness.js';

const PAYMENTS = 150;

describe('chaos (SQLite): faults at the provider, concurrent load, then one reconciliation', () => {
  let h: Harness;
  let faults: ReturnType<typeof countFaults>;
  const lost = { lost: 0 };
  before(async () => {
    h = await startHarness({
      faults: CHAOS_FAULTS,
      webhookRetry: CHAOS_WEBHOOK_RETRY,
      providerTimeoutMs: 2_000,
      policy: CHAOS_POLICY,
      dispatcher: CHAOS_DISPATCHER,
      config: { api: { paymentWaitMs: 0 } },
      wrapProvider: loseSomeAnswers(lost),
    });
    faults = countFaults(h.sim);
  });
  after(() => h.close());

  it('ends with every payment equal to the provider, none charged twice, nothing lost', async (t) => {
    const started = Date.now();
    const w = await runWorkload(PAYMENTS, h.commands, h.flow.loadPayment, h.outbox);
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
    await drained(h.outbox);

    const states = (await Promise.all(w.ids.map((id) => h.flow.loadPayment(id)))) as PaymentState[];
    const mismatches = compareWithProvider(states, h.sim.snapshot());
    const views = await Promise.all(w.ids.map((id) => h.queries.getPayment(id)));
    const readModelDiffers = views.filter((v, i) => {
      const s = states[i]!;
      return (
        !v ||
        v.status !== s.status ||
        v.amount_captured !== s.amountCaptured ||
        v.amount_refunded !== s.amountRefunded
      );
    });
    const charges = doubleCharges(h.sim);
    const missing = await lostEvents(h.store, w.acks);
    const retried = report.items.flatMap((i) => i.detail).filter((d) => d.startsWith('retried dead letter'));
    const dead = await h.outbox.list({ state: 'dead', limit: 10_000 });
    const byStatus: Record<string, number> = {};
    for (const s of states) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    const figures = {
      store: 'sqlite',
      payments: PAYMENTS,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      statuses: byStatus,
      follow_ups: w.followUps,
      faults_injected: { ...faults, create_answers_lost: lost.lost },
      reconciliation: report.counts,
      corrections_made: report.counts.corrected,
      dead_letters_retried_by_reconciliation: retried.length,
      dead_letters_left: dead.length,
      mismatches_left: mismatches.length,
      double_charges: charges.length,
      lost_events: missing.length,
    };
    t.diagnostic(`chaos figures ${JSON.stringify(figures)}`);

    assertSettled({ mismatches, charges, missing, dead, counts: report.counts });
    assert.equal(readModelDiffers.length, 0, 'the read model shows the same state');
    assert.ok(
      faults.api_5xx_429 > 0 && faults.api_timeout > 0 && faults.webhook_dropped > 0,
      'faults were injected',
    );
    assert.ok(lost.lost > 0 && retried.length > 0, 'dead letters were made and re-driven');
  });
});
