import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { IntentTruth, SimSnapshot } from '../../src/simulator/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { startReceiver } from './support/receiver.js';

let sim: Simulator;
let stripe: Stripe;
before(async () => {
  sim = await startSimulator({ asyncDelayMs: 5 });
  stripe = new Stripe('sk_test_admin', {
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
after(() => sim.close());

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${sim.url}${path}`);
  assert.equal(res.status, 200);
  return (await res.json()) as T;
}

async function postJson<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('simulator admin routes and extra behaviours', () => {
  it('GET /_sim/state lists intents with their charge, refunds and capture count', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      capture_method: 'manual',
    });
    await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2500 });
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    const state = await getJson<SimSnapshot>('/_sim/state');
    const truth = state.payment_intents.find((t) => t.payment_intent.id === pi.id);
    assert.equal(truth?.captures, 1);
    assert.equal(truth?.charge?.amount_captured, 2500);
    assert.equal(truth?.charge?.amount_refunded, 1000);
    assert.deepEqual(
      truth?.refunds.map((r) => r.id),
      [refund.id],
    );
    const one = await getJson<IntentTruth>(`/_sim/payment_intents/${pi.id}`);
    assert.deepEqual(one, truth);
  });

  it('rejects parameters Stripe does not know, as Stripe does', async () => {
    await assert.rejects(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        bogus: 'x',
      } as Stripe.PaymentIntentCreateParams),
      { code: 'parameter_unknown', param: 'bogus', statusCode: 400 },
    );
  });

  it('fails a pm_card_refundFail refund later, with refund.updated and refund.failed', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_refundFail',
      confirm: true,
    });
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    assert.equal(refund.status, 'succeeded');
    const receiver = await startReceiver();
    try {
      sim.addWebhookEndpoint({ url: receiver.url, enabledEvents: ['refund.failed'] });
      const failed = await receiver.waitFor((r) => r.event.data.object.id === refund.id);
      assert.equal(failed.event.type, 'refund.failed');
      const now = await stripe.refunds.retrieve(refund.id);
      assert.equal(now.status, 'failed');
      assert.equal(now.failure_reason, 'expired_or_canceled_card');
      const updated = await stripe.events.list({ type: 'refund.updated' });
      assert.ok(updated.data.some((e) => (e.data.object as Stripe.Refund).id === refund.id));
      assert.equal(sim.intent(pi.id)?.charge?.amount_refunded, 0, 'the failed refund gave the money back');
    } finally {
      await receiver.close();
    }
  });

  it('adds webhook endpoints through POST /_sim/webhook_endpoints, generating a whsec_ secret', async () => {
    const created = await postJson<{ id: string; secret: string }>('/_sim/webhook_endpoints', {
      url: 'http://127.0.0.1:9/hook',
      enabled_events: ['charge.refunded'],
    });
    assert.equal(created.status, 200);
    assert.match(created.body.id, /^we_/);
    assert.match(created.body.secret, /^whsec_/);
    const state = await getJson<SimSnapshot>('/_sim/state');
    const listed = state.webhook_endpoints.find((e) => e.id === created.body.id);
    assert.ok(listed);
    assert.equal('secret' in listed, false, 'the state listing never shows secrets');
    const bad = await postJson('/_sim/webhook_endpoints', { url: 'not a url' });
    assert.equal(bad.status, 400);
  });

  it('POST /_sim/reset forgets objects and events', async () => {
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await sim.webhooks.idle();
    const res = await postJson<{ reset: boolean }>('/_sim/reset', {});
    assert.equal(res.status, 200);
    const state = await getJson<SimSnapshot>('/_sim/state');
    assert.equal(state.payment_intents.length, 0);
    assert.equal(state.event_count, 0);
    assert.equal((await stripe.paymentIntents.list()).data.length, 0);
  });
});
