import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';
import { type Receiver, startReceiver } from './support/receiver.js';

const SECRET = 'whsec_test_secret';
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(options: SimulatorOptions = {}, answer?: (n: number) => number) {
  const receiver: Receiver = await startReceiver(answer);
  const sim: Simulator = await startSimulator({
    webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
    webhookRetry: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000, reorderHoldMs: 50 },
    ...options,
  });
  cleanups.push(
    () => sim.close(),
    () => receiver.close(),
  );
  const stripe = new Stripe('sk_test_hooks', {
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return { sim, receiver, stripe };
}

const pay = (stripe: Stripe) =>
  stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  });

describe('simulator webhooks', () => {
  it('signs deliveries so that stripe.webhooks.constructEvent accepts them', async () => {
    const { receiver, stripe } = await setup();
    const pi = await pay(stripe);
    const got = await receiver.waitFor((r) => r.event.type === 'payment_intent.succeeded');
    const event = stripe.webhooks.constructEvent(got.rawBody, got.signature, SECRET, 300);
    assert.equal(event.type, 'payment_intent.succeeded');
    assert.equal((event.data.object as Stripe.PaymentIntent).id, pi.id);
    assert.match(got.signature, /^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('is rejected by constructEvent when tampered with or checked with another secret', async () => {
    const { receiver, stripe } = await setup();
    await pay(stripe);
    const got = await receiver.waitFor((r) => r.event.type === 'payment_intent.succeeded');
    const tampered = got.rawBody.replace('"amount":1000', '"amount":1');
    assert.notEqual(tampered, got.rawBody);
    assert.throws(() => stripe.webhooks.constructEvent(tampered, got.signature, SECRET, 300), {
      type: 'StripeSignatureVerificationError',
    });
    assert.throws(() => stripe.webhooks.constructEvent(got.rawBody, got.signature, 'whsec_other', 300), {
      type: 'StripeSignatureVerificationError',
    });
  });

  it('signs with the time of sending, so an old delivery fails the tolerance check', async () => {
    const tenMinutesAgo = () => Date.now() - 10 * 60 * 1000;
    const { receiver, stripe } = await setup({ clock: tenMinutesAgo });
    await pay(stripe);
    const got = await receiver.waitFor((r) => r.event.type === 'payment_intent.succeeded');
    assert.throws(
      () => stripe.webhooks.constructEvent(got.rawBody, got.signature, SECRET, 300),
      /tolerance/i,
    );
    assert.doesNotThrow(() => stripe.webhooks.constructEvent(got.rawBody, got.signature, SECRET, 0));
  });

  it('retries with backoff until a failing endpoint recovers, then clears pending_webhooks', async () => {
    const { sim, receiver, stripe } = await setup({ webhookEndpoints: [] }, (n) => (n <= 2 ? 500 : 200));
    sim.addWebhookEndpoint({ url: receiver.url, secret: SECRET, enabledEvents: ['payment_intent.created'] });
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const got = await receiver.waitFor((r) => r.event.data.object.id === pi.id);
    await sim.webhooks.idle();
    const attempts = sim.webhooks.attempts.filter((a) => a.eventId === got.event.id);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.outcome]),
      [
        [1, 500, 'retrying'],
        [2, 500, 'retrying'],
        [3, 200, 'delivered'],
      ],
    );
    assert.equal((await stripe.events.retrieve(got.event.id)).pending_webhooks, 0);
    assert.equal(receiver.received.length, 1, 'only payment_intent.created is sent to this endpoint');
  });

  it('gives up after maxAttempts against an endpoint that never recovers', async () => {
    const { sim, stripe } = await setup({ webhookRetry: { baseDelayMs: 1, maxAttempts: 3 } }, () => 503);
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    await sim.webhooks.idle();
    const outcomes = sim.webhooks.attempts.map((a) => a.outcome);
    assert.deepEqual(outcomes, ['retrying', 'retrying', 'gave_up']);
  });

  it('duplicates every delivery at duplicateRate 1 and drops every one at dropRate 1', async () => {
    const dup = await setup({ faults: { webhook: { duplicateRate: 1 } } });
    const pi = await pay(dup.stripe);
    await dup.sim.webhooks.idle();
    const events = dup.sim.snapshot().event_count;
    assert.equal(dup.receiver.received.length, events * 2);
    assert.equal(dup.receiver.received.filter((r) => r.event.data.object.id === pi.id).length >= 2, true);
    const drop = await setup({ faults: { webhook: { dropRate: 1 } } });
    await pay(drop.stripe);
    await drop.sim.webhooks.idle();
    assert.equal(drop.receiver.received.length, 0);
    assert.ok(drop.sim.webhooks.attempts.every((a) => a.outcome === 'dropped'));
    assert.equal((await drop.stripe.events.list()).data.length, drop.sim.snapshot().event_count);
  });
});
