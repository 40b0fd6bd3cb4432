import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { createProviderFlow } from '../../../src/payments/provider/flow.js';
import { MemoryWebhookInbox } from '../../../src/payments/provider/inbox/webhookInbox.js';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import { Reconciler } from '../../../src/payments/provider/reconciler.js';
import { reconcileCommand } from '../../../src/payments/provider/reconcileSchedule.js';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { wrapProvider } from '../../support/wrapProvider.js';

const ctx = { actor: 'key_test', correlationId: 'c-1' };

describe('Reconciler against the simulator', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  function setup(tamper?: (real: StripeProvider, p: PaymentProvider) => void) {
    const real = new StripeProvider({
      apiKey: 'sk_test_rec',
      host: sim.host,
      port: sim.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const provider: PaymentProvider = wrapProvider(real);
    tamper?.(real, provider);
    const store = new MemoryEventStore();
    const outbox = new MemoryOutboxStore(store.outbox);
    const flow = createProviderFlow({
      store,
      outbox,
      inbox: new MemoryWebhookInbox(),
      provider,
      webhookSecret: 'whsec_unused',
      policy: { maxAttempts: 1 },
      dispatcher: { maxAttempts: 1, backoff: { baseMs: 1, maxMs: 1 } },
    });
    const reconciler = new Reconciler({
      store,
      outbox,
      provider: real,
      policy: flow.policy,
      recorder: flow.recorder,
      loadPayment: flow.loadPayment,
    });
    const commands = createPaymentCommandService({ store, snapshots: store });
    return { store, outbox, flow, reconciler, commands };
  }

  it('corrects a payment whose outcome was lost, and retries its dead letter', async () => {
    const f = setup((real, p) => {
      p.createPayment = async (req) => {
        await real.createPayment(req);
        return { outcome: 'retryable', reason: 'response lost', status: null };
      };
    });
    const r = await f.commands.createPayment(
      { amount: 1500, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    await f.flow.dispatcher.drain(10_000);
    assert.equal((await f.outbox.list({ state: 'dead' })).length, 1);
    const report = await f.reconciler.reconcile();
    assert.equal(report.counts.corrected, 1);
    assert.equal(report.counts.redriven, 1);
    const s = await f.flow.loadPayment(r.paymentId);
    assert.equal(s?.status, 'succeeded');
    assert.equal(s?.amountCaptured, 1500);
    await f.flow.dispatcher.drain(10_000);
    assert.equal(
      (await f.outbox.list({ state: 'dead' })).length,
      0,
      'the retried letter finds nothing left to do',
    );
    assert.equal(sim.capturesOf(s!.providerPaymentId!), 1);
    const second = await f.reconciler.reconcile();
    assert.equal(second.counts.matched, 1);
    assert.equal(second.counts.corrected, 0);
  });

  it('re-drives a payment the provider never saw, charging it once', async () => {
    sim.configureFaults({ errorRate: 1, errorStatuses: [503] }, true);
    const f = setup();
    const r = await f.commands.createPayment(
      { amount: 700, currency: 'usd', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    await f.flow.dispatcher.drain(10_000);
    sim.configureFaults({}, true);
    const report = await f.reconciler.reconcile();
    assert.equal(report.counts.localOnly, 1);
    assert.match(report.items[0]?.detail.join() ?? '', /retried dead letter .*provider unavailable/);
    await f.flow.dispatcher.drain(10_000);
    const s = await f.flow.loadPayment(r.paymentId);
    assert.equal(s?.status, 'succeeded');
    assert.equal(sim.capturesOf(s!.providerPaymentId!), 1);
  });

  it('flags a provider-only payment and one where the provider took more than asked, applying nothing', async () => {
    const f = setup((real, p) => {
      p.createPayment = (req) => real.createPayment({ ...req, amount: req.amount * 5 });
    });
    const r = await f.commands.createPayment(
      { amount: 1000, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    await f.flow.dispatcher.drain(10_000);
    const stranger = await new StripeProvider({
      apiKey: 'sk_test_rec',
      host: sim.host,
      port: sim.port,
      protocol: 'http',
    }).createPayment({
      amount: 999,
      currency: 'eur',
      paymentMethod: 'pm_card_visa',
      captureMethod: 'automatic',
      customer: null,
      description: 'made in the dashboard',
      metadata: { paystream_payment_id: 'pay_0000000000000000000000000000dead' },
      idempotencyKey: `stranger-${Date.now()}`,
    });
    assert.equal(stranger.outcome, 'ok');
    const before = (await f.store.readStream(`payment-${r.paymentId}`)).length;
    const out: string[] = [];
    const report = await reconcileCommand(f.reconciler, {
      out: { write: (s: string) => out.push(s) } as never,
    });
    assert.equal(report.counts.conflicting, 1);
    assert.ok(report.counts.providerOnly >= 1);
    const conflict = report.items.find((i) => i.paymentId === r.paymentId);
    assert.equal(conflict?.needsAttention, true);
    assert.match(conflict?.detail.join() ?? '', /captured 5000, more than the 1000 asked/);
    assert.equal((await f.store.readStream(`payment-${r.paymentId}`)).length, before, 'nothing applied');
    assert.ok(
      report.items.some(
        (i) => i.result === 'provider_only' && i.paymentId === 'pay_0000000000000000000000000000dead',
      ),
    );
    assert.match(out.join(''), /1 conflicting/);
    const runs = await f.reconciler.recentRuns();
    assert.equal(runs[0]?.runId, report.runId);
    assert.deepEqual(runs[0]?.counts, report.counts);
    const log = await f.store.readStream(`reconciliation-${report.runId}`);
    assert.equal(log[0]?.type, 'ReconciliationStarted');
    assert.equal(log.at(-1)?.type, 'ReconciliationCompleted');
    assert.ok(
      log.some(
        (e) => e.type === 'PaymentReconciled' && (e.data as { needsAttention: boolean }).needsAttention,
      ),
    );
  });

  it('runs from the CLI entry with a progress bar, prints the counts and feeds the metrics', async () => {
    const f = setup();
    await f.commands.createPayment({ amount: 300, currency: 'eur', paymentMethod: 'pm_card_visa' }, ctx);
    await f.flow.dispatcher.drain(10_000);
    const metrics = createMetrics();
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    const report = await reconcileCommand(f.reconciler, {
      out,
      metrics,
      progress: true,
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    assert.match(chunks.join(''), /reconciliation [0-9a-f-]+: \d+ payments, \d+ matched/);
    assert.ok(report.counts.matched >= 1);
    assert.match(await metrics.registry.metrics(), /reconciliation_payments_total\{result="matched"\} [1-9]/);
  });
});
