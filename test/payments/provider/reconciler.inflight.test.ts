import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryEventStore } from '../../../src/eventsourcing/memory/memoryEventStore.js';
import { MemoryOutboxStore } from '../../../src/eventsourcing/outbox/memoryOutboxStore.js';
import { createPaymentCommandService } from '../../../src/payments/commands/paymentCommandService.js';
import { createProviderFlow } from '../../../src/payments/provider/flow.js';
import { MemoryWebhookInbox } from '../../../src/payments/provider/inbox/webhookInbox.js';
import { Reconciler } from '../../../src/payments/provider/reconciler.js';
import { StripeProvider } from '../../../src/payments/provider/stripe/stripeProvider.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';

const ctx = { actor: 'key_test', correlationId: 'c-1' };

describe('Reconciler and payments with outbox work in flight', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  it('counts a known payment with a pending capture as in flight, never as provider-only, and progress reaches its total', async () => {
    const provider = new StripeProvider({
      apiKey: 'sk_test_inflight',
      host: sim.host,
      port: sim.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const store = new MemoryEventStore();
    const outbox = new MemoryOutboxStore(store.outbox);
    const flow = createProviderFlow({
      store,
      outbox,
      inbox: new MemoryWebhookInbox(),
      provider,
      webhookSecret: 'whsec_unused',
      policy: { maxAttempts: 1 },
    });
    const reconciler = new Reconciler({
      store,
      outbox,
      provider,
      policy: flow.policy,
      recorder: flow.recorder,
      loadPayment: flow.loadPayment,
    });
    const commands = createPaymentCommandService({ store, snapshots: store });
    const r = await commands.createPayment(
      { amount: 1200, currency: 'eur', paymentMethod: 'pm_card_visa', captureMethod: 'manual' },
      ctx,
    );
    await flow.dispatcher.drain(10_000);
    assert.equal((await flow.loadPayment(r.paymentId))?.status, 'requires_capture');
    // The capture's outbox row stays pending: the dispatcher has not run yet.
    await commands.capturePayment(r.paymentId, {}, ctx);
    assert.equal((await outbox.stats()).pending, 1);

    const progress: Array<{ done: number; total: number }> = [];
    const report = await reconciler.reconcile({ onProgress: (p) => progress.push(p) });

    const mine = report.items.filter((i) => i.paymentId === r.paymentId);
    assert.deepEqual(
      mine.map((i) => i.result),
      ['in_flight'],
      'one item for the payment, in flight, not flagged as unknown at the provider',
    );
    assert.equal(report.counts.inFlight, 1);
    assert.equal(report.counts.providerOnly, 0);
    const last = progress.at(-1);
    assert.equal(last?.done, last?.total, 'the progress ends at its total');
  });
});
