import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { memoryRig, stripeAt } from './support/memoryRig.js';

const ctx = { actor: 'key_test', correlationId: 'c-1' };

describe('Reconciler and payments with outbox work in flight', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  it('counts a known payment with a pending capture as in flight, never as provider-only, and progress reaches its total', async () => {
    const {
      outbox,
      flow,
      commands,
      reconciler: reconcilerOver,
    } = memoryRig(stripeAt('sk_test_inflight', sim));
    const reconciler = reconcilerOver();
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
