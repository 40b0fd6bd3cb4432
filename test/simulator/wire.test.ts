import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

const KEY = 'sk_test_wire';
let sim: Simulator;
let stripe: Stripe;
let now = Date.parse('2026-01-01T00:00:00Z');

before(async () => {
  sim = await startSimulator({ apiKey: KEY, clock: () => now });
  stripe = new Stripe(KEY, { host: sim.host, port: sim.port, protocol: 'http', maxNetworkRetries: 0 });
});
after(() => sim.close());

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body,
  });
}

describe('simulator wire format', () => {
  it('rejects a missing or wrong API key with 401 and never echoes the key', async () => {
    const wrong = new Stripe('sk_test_wrongsecretvalue', {
      host: sim.host,
      port: sim.port,
      protocol: 'http',
    });
    await assert.rejects(wrong.paymentIntents.list(), (e: Stripe.errors.StripeError) => {
      assert.equal(e.type, 'StripeAuthenticationError');
      assert.equal(e.statusCode, 401);
      assert.ok(!e.message.includes('wrongsecret'), 'the key is redacted');
      return true;
    });
    const res = await fetch(`${sim.url}/v1/payment_intents`);
    assert.equal(res.status, 401);
  });

  it('answers unknown routes with 404 invalid_request_error', async () => {
    const res = await fetch(`${sim.url}/v1/nope`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { type: string } };
    assert.equal(body.error.type, 'invalid_request_error');
  });

  it('walks create → confirm → succeeded and refuses to confirm twice', async () => {
    const bare = await stripe.paymentIntents.create({ amount: 500, currency: 'EUR' });
    assert.equal(bare.status, 'requires_payment_method');
    assert.equal(bare.currency, 'eur');
    const withPm = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'eur',
      payment_method: 'pm_card_visa',
    });
    assert.equal(withPm.status, 'requires_confirmation');
    const confirmed = await stripe.paymentIntents.confirm(bare.id, { payment_method: 'pm_card_visa' });
    assert.equal(confirmed.status, 'succeeded');
    assert.match(String(confirmed.latest_charge), /^ch_/);
    const charge = await stripe.charges.retrieve(String(confirmed.latest_charge));
    assert.equal(charge.amount_captured, 500);
    await assert.rejects(stripe.paymentIntents.confirm(bare.id), { code: 'payment_intent_unexpected_state' });
  });

  it('leaves a declined intent in requires_payment_method, ready for another card', async () => {
    const err = await stripe.paymentIntents
      .create({
        amount: 700,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
        confirm: true,
      })
      .then(
        () => assert.fail('should decline'),
        (e: Stripe.errors.StripeCardError) => e,
      );
    assert.equal(err.statusCode, 402);
    assert.equal(err.decline_code, 'insufficient_funds');
    const piId = (err.payment_intent as Stripe.PaymentIntent).id;
    const pi = await stripe.paymentIntents.retrieve(piId);
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.last_payment_error?.type, 'card_error');
    assert.equal(pi.last_payment_error?.decline_code, 'insufficient_funds');
    const retried = await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    assert.equal(retried.status, 'succeeded');
    assert.equal(retried.last_payment_error, null);
  });

  it('rejects amounts below the minimum and bad integers as parameter errors', async () => {
    await assert.rejects(stripe.paymentIntents.create({ amount: 49, currency: 'usd' }), {
      code: 'amount_too_small',
      param: 'amount',
    });
    const res = await post('/v1/payment_intents', 'amount=abc&currency=usd');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; param: string } };
    assert.deepEqual([body.error.code, body.error.param], ['parameter_invalid_integer', 'amount']);
  });

  it('marks replays with Idempotent-Replayed and replays declines too', async () => {
    const body = 'amount=900&currency=usd&payment_method=pm_card_chargeDeclined&confirm=true';
    const first = await post('/v1/payment_intents', body, { 'idempotency-key': 'wire-decline' });
    const second = await post('/v1/payment_intents', body, { 'idempotency-key': 'wire-decline' });
    assert.equal(first.status, 402);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(second.status, 402);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await second.json(), await first.json());
  });

  it('does not save parameter errors: the key can be used again with fixed parameters', async () => {
    const bad = await post('/v1/payment_intents', 'amount=10&currency=usd', {
      'idempotency-key': 'wire-fix',
    });
    assert.equal(bad.status, 400);
    const good = await post('/v1/payment_intents', 'amount=1000&currency=usd', {
      'idempotency-key': 'wire-fix',
    });
    assert.equal(good.status, 200);
  });

  it('answers 409 idempotency_key_in_use while the first request with the key is in flight', async () => {
    // Wide enough that the second request arrives while the first still holds the key, even on a busy machine.
    sim.configureFaults({ latencyMs: 1000 });
    try {
      const body = 'amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true';
      const answers = await Promise.all([
        post('/v1/payment_intents', body, { 'idempotency-key': 'wire-race' }),
        post('/v1/payment_intents', body, { 'idempotency-key': 'wire-race' }),
      ]);
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409]);
      const conflict = answers.find((r) => r.status === 409);
      const err = (await conflict?.json()) as { error: { type: string; code: string } };
      assert.deepEqual([err.error.type, err.error.code], ['idempotency_error', 'idempotency_key_in_use']);
    } finally {
      sim.configureFaults({}, true);
    }
  });

  it('lets exactly one of two concurrent captures with different keys take the money', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      capture_method: 'manual',
    });
    sim.configureFaults({ latencyMs: 100 });
    try {
      const results = await Promise.allSettled([
        stripe.paymentIntents.capture(pi.id, {}, { idempotencyKey: 'race-a' }),
        stripe.paymentIntents.capture(pi.id, {}, { idempotencyKey: 'race-b' }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.ok(rejected);
      assert.equal((rejected.reason as Stripe.errors.StripeError).code, 'payment_intent_unexpected_state');
    } finally {
      sim.configureFaults({}, true);
    }
    assert.equal(sim.capturesOf(pi.id), 1);
  });

  it('expands latest_charge on request, with the captured and refunded amounts', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 800,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    const charge = expanded.latest_charge as Stripe.Charge;
    assert.deepEqual([charge.object, charge.amount_captured, charge.amount_refunded], ['charge', 800, 300]);
    const plain = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(plain.latest_charge, charge.id, 'the stored intent keeps the id');
    const listed = await stripe.paymentIntents.list({ limit: 1, expand: ['data.latest_charge'] });
    const first = listed.data[0];
    assert.ok(first);
    assert.equal((first.latest_charge as Stripe.Charge).object, 'charge');
  });

  it('forgets idempotency keys after 24 hours', async () => {
    const params = { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const a = await stripe.paymentIntents.create(params, { idempotencyKey: 'wire-ttl' });
    now += 24 * 3600 * 1000 - 1000;
    const b = await stripe.paymentIntents.create(params, { idempotencyKey: 'wire-ttl' });
    now += 2000;
    const c = await stripe.paymentIntents.create(params, { idempotencyKey: 'wire-ttl' });
    assert.equal(b.id, a.id);
    assert.notEqual(c.id, a.id);
  });

  it('round-trips metadata with characters that need encoding', async () => {
    const metadata = { 'order id': 'a&b=c', emoji: '✓ ok', brackets: '[x]' };
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata });
    assert.deepEqual((await stripe.paymentIntents.retrieve(pi.id)).metadata, metadata);
  });

  it('pages events with ending_before as well', async () => {
    const all = await stripe.events.list({ limit: 5 });
    assert.equal(all.object, 'list');
    const last = all.data[4];
    assert.ok(last);
    const before = await stripe.events.list({ limit: 2, ending_before: last.id });
    assert.deepEqual(
      before.data.map((e) => e.id),
      all.data.slice(2, 4).map((e) => e.id),
    );
  });
});
