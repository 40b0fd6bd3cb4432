import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { StripeProvider } from '../../src/payments/provider/stripe/stripeProvider.js';
import { FaultInjector } from '../../src/simulator/faults.js';
import { type FaultOptions, type Simulator, startSimulator } from '../../src/simulator/index.js';

const sims: Simulator[] = [];
after(async () => {
  for (const s of sims) await s.close();
});

async function sim(faults: FaultOptions): Promise<Simulator> {
  const s = await startSimulator({ faults });
  sims.push(s);
  return s;
}

function sdk(s: Simulator, timeout = 5000): Stripe {
  return new Stripe('sk_test_faults', {
    host: s.host,
    port: s.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    timeout,
  });
}

function provider(s: Simulator, timeoutMs = 5000): StripeProvider {
  return new StripeProvider({
    apiKey: 'sk_test_faults',
    host: s.host,
    port: s.port,
    protocol: 'http',
    timeoutMs,
    maxNetworkRetries: 0,
  });
}

function nextEvent(s: Simulator, type: string): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (e: { type: string }) => {
      if (e.type !== type) return;
      s.feed.off('event', listener);
      resolve(e);
    };
    s.feed.on('event', listener);
  });
}

async function statuses(s: Simulator, calls: number): Promise<number[]> {
  const stripe = sdk(s);
  const out: number[] = [];
  for (let i = 0; i < calls; i++) {
    out.push(
      await stripe.paymentIntents.list({ limit: 1 }).then(
        () => 200,
        (e: Stripe.errors.StripeError) => e.statusCode ?? 0,
      ),
    );
  }
  return out;
}

describe('simulator fault injection', () => {
  it('draws the same faults from the same seed and other faults from another seed', () => {
    const options: FaultOptions = {
      errorRate: 0.3,
      timeoutRate: 0.1,
      latencyJitterMs: 50,
      webhook: { dropRate: 0.2 },
    };
    const run = (seed: number) => {
      const f = new FaultInjector({ ...options, seed });
      return Array.from({ length: 200 }, () => [f.nextApiFault(), f.nextWebhookFault()]);
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
  });

  it('replays the same error sequence over HTTP for the same seed, split over 500, 503 and 429', async () => {
    const options: FaultOptions = { seed: 7, errorRate: 0.5 };
    const a = await statuses(await sim(options), 40);
    const b = await statuses(await sim(options), 40);
    assert.deepEqual(a, b);
    assert.deepEqual([...new Set(a)].sort(), [200, 429, 500, 503]);
  });

  it('answers injected errors before doing any work, as retryable outcomes', async () => {
    const s = await sim({ errorRate: 1, errorStatuses: [503] });
    const p = provider(s);
    const r = await p.createPayment({
      amount: 1000,
      currency: 'usd',
      paymentMethod: 'pm_card_visa',
      captureMethod: 'automatic',
      customer: null,
      description: null,
      metadata: { paystream_payment_id: 'f1' },
      idempotencyKey: 'fault-503',
    });
    assert.deepEqual(r.outcome === 'retryable' && r.status, 503);
    assert.equal(s.snapshot().payment_intents.length, 0);
  });

  for (const mode of ['hang', 'destroy'] as const) {
    it(`a timeout (${mode}) leaves the payment processed; the retry with the same key replays it`, async () => {
      const s = await sim({ timeoutRate: 1, timeoutMode: mode, timeoutAfterMs: 50 });
      const p = provider(s, 300);
      const req = {
        amount: 1500,
        currency: 'usd',
        paymentMethod: 'pm_card_visa',
        captureMethod: 'automatic' as const,
        customer: null,
        description: null,
        metadata: { paystream_payment_id: `timeout-${mode}` },
        idempotencyKey: `timeout-${mode}`,
      };
      // The server may finish the work after the client gave up: wait for it, do not race it.
      const processed = nextEvent(s, 'payment_intent.succeeded');
      const lost = await p.createPayment(req);
      assert.equal(lost.outcome, 'retryable');
      await processed;
      s.configureFaults({}, true);
      const [truth] = s.snapshot().payment_intents;
      assert.equal(truth?.payment_intent.status, 'succeeded');
      assert.equal(truth?.payment_intent.metadata.paystream_payment_id, `timeout-${mode}`);
      const seen = await p.retrievePayment(truth?.payment_intent.id ?? '');
      assert.equal(
        seen.outcome === 'ok' && seen.value.status,
        'succeeded',
        'retrieve shows the processed payment',
      );
      const retried = await p.createPayment(req);
      assert.equal(retried.outcome === 'ok' && retried.value.id, truth?.payment_intent.id);
      assert.equal(s.capturesOf(truth?.payment_intent.id ?? ''), 1);
    });
  }

  it('adds the configured latency, and the admin endpoint changes faults at run time', async () => {
    const s = await sim({});
    const res = await fetch(`${s.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 120, errorRate: 0 }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { latencyMs: number }).latencyMs, 120);
    const started = performance.now();
    await sdk(s).paymentIntents.list();
    assert.ok(performance.now() - started >= 115, 'the call waited for the injected latency');
    const bad = await fetch(`${s.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });
    assert.equal(bad.status, 400);
  });
});
