import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'paystream-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sdk(sim: Simulator): Stripe {
  return new Stripe('sk_test_persist', {
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

describe('simulator SQLite persistence', () => {
  it('keeps intents, refunds, events, idempotency keys and capture counts across a restart', async () => {
    const sqlitePath = join(dir, 'sim.db');
    const webhookEndpoints = [
      { url: 'http://127.0.0.1:9/hooks', secret: 'whsec_p', enabledEvents: ['none'] },
    ];
    const first = await startSimulator({ sqlitePath, webhookEndpoints });
    const params = {
      amount: 2500,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      capture_method: 'manual' as const,
    };
    const pi = await sdk(first).paymentIntents.create(params, { idempotencyKey: 'persist-1' });
    await sdk(first).paymentIntents.capture(pi.id, { amount_to_capture: 2000 });
    const refund = await sdk(first).refunds.create({ payment_intent: pi.id, amount: 500 });
    const eventsBefore = (await sdk(first).events.list({ limit: 100 })).data.map((e) => e.id);
    await first.close();

    const second = await startSimulator({ sqlitePath, webhookEndpoints });
    try {
      const stripe = sdk(second);
      const again = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(again.status, 'succeeded');
      assert.equal(again.amount_received, 2000);
      assert.deepEqual((await stripe.refunds.retrieve(refund.id)).amount, 500);
      const eventsAfter = (await stripe.events.list({ limit: 100 })).data.map((e) => e.id);
      assert.deepEqual(eventsAfter, eventsBefore, 'same events, same newest-first order');
      const replay = await stripe.paymentIntents.create(params, { idempotencyKey: 'persist-1' });
      assert.equal(replay.id, pi.id);
      assert.equal(second.capturesOf(pi.id), 1);
      assert.equal(second.snapshot().webhook_endpoints.length, 1, 'configured endpoints are not added twice');
      const next = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      const newest = (await stripe.paymentIntents.list({ limit: 1 })).data[0];
      assert.equal(newest?.id, next.id, 'new objects sort after restored ones');
    } finally {
      await second.close();
    }
  });
});
