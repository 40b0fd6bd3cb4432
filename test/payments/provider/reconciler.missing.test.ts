import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PaymentProvider } from '../../../src/payments/provider/port.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { wrapProvider } from '../../support/wrapProvider.js';
import { memoryRig, stripeAt } from './support/memoryRig.js';

const ctx = { actor: 'key_test', correlationId: 'c-1' };

// The provider forgot the object (another account, or a simulator restarted without its state).
const missing = async () =>
  ({
    outcome: 'permanent',
    code: 'resource_missing',
    message: 'No such payment_intent',
    status: 404,
  }) as const;

describe('Reconciler when the provider answers 404 for a payment we hold', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  it('flags a succeeded payment the provider has no object for, instead of a silent error every run', async () => {
    const real = stripeAt('sk_test_missing', sim);
    const { flow, commands, reconciler: reconcilerOver } = memoryRig(real);
    const r = await commands.createPayment(
      { amount: 800, currency: 'eur', paymentMethod: 'pm_card_visa' },
      ctx,
    );
    await flow.dispatcher.drain(10_000);
    assert.equal((await flow.loadPayment(r.paymentId))?.status, 'succeeded');

    const forgetful: PaymentProvider = wrapProvider(real, {
      retrievePayment: missing,
      listRefunds: missing,
      listPayments: async () => ({ outcome: 'ok', value: { data: [], hasMore: false } }),
    });
    const reconciler = reconcilerOver(forgetful);
    const report = await reconciler.reconcile();
    const item = report.items.find((i) => i.paymentId === r.paymentId);
    assert.equal(item?.result, 'conflicting');
    assert.equal(item?.needsAttention, true);
    assert.match(item?.detail.join() ?? '', /provider has no such payment/);
    assert.equal(report.counts.errors, 0);
  });
});
