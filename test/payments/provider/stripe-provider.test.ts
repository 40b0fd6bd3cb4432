import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import type { CreatePaymentRequest } from '../../../src/payments/provider/port.js';
import {
  StripeProvider,
  type StripeProviderOptions,
} from '../../../src/payments/provider/stripe/stripeProvider.js';
import { FaultInjector } from '../../../src/simulator/faults.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';

const KEY = 'sk_test_adaptersecret';
let sim: Simulator;
before(async () => {
  sim = await startSimulator({ apiKey: KEY });
});
after(() => sim.close());

function provider(overrides: Partial<StripeProviderOptions> = {}): StripeProvider {
  return new StripeProvider({
    apiKey: KEY,
    host: sim.host,
    port: sim.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    ...overrides,
  });
}

let n = 0;
function req(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  n += 1;
  return {
    amount: 1000,
    currency: 'USD',
    paymentMethod: 'pm_card_visa',
    captureMethod: 'automatic',
    customer: 'cus_123',
    description: 'adapter test',
    metadata: { paystream_payment_id: `pay-${n}` },
    idempotencyKey: `adapter-${n}-${Date.now()}`,
    ...overrides,
  };
}

async function counter(metrics: Metrics, status: string): Promise<number> {
  const m = await metrics.apiCalls.get();
  return (
    m.values.find((v) => v.labels.operation === 'create_payment' && v.labels.status === status)?.value ?? 0
  );
}

describe('StripeProvider', () => {
  it('counts every call by outcome and times it', async () => {
    const metrics = createMetrics();
    const p = provider({ metrics });
    assert.equal((await p.createPayment(req())).outcome, 'ok');
    assert.equal(
      (await p.createPayment(req({ paymentMethod: 'pm_card_chargeDeclined' }))).outcome,
      'declined',
    );
    assert.equal((await p.createPayment(req({ paymentMethod: 'pm_card_unknown' }))).outcome, 'permanent');
    sim.configureFaults({ errorRate: 1, errorStatuses: [500] });
    try {
      assert.equal((await p.createPayment(req())).outcome, 'retryable');
    } finally {
      sim.configureFaults({}, true);
    }
    for (const status of ['success', 'declined', 'permanent', 'retryable']) {
      assert.equal(await counter(metrics, status), 1, status);
    }
    const duration = await metrics.apiCallDuration.get();
    const count = duration.values.find((v) => v.metricName === 'api_call_duration_seconds_count');
    assert.equal(count?.value, 4);
  });

  it('passes customer and description through, and lowercases the currency', async () => {
    const r = await provider().createPayment(req());
    assert.equal(r.outcome, 'ok');
    if (r.outcome !== 'ok') return;
    const truth = sim.intent(r.value.id)?.payment_intent;
    assert.equal(truth?.customer, 'cus_123');
    assert.equal(truth?.description, 'adapter test');
    assert.equal(r.value.currency, 'usd');
  });

  it('maps 429 to retryable with its status', async () => {
    sim.configureFaults({ errorRate: 1, errorStatuses: [429] });
    try {
      const r = await provider().retrievePayment('pi_x');
      assert.deepEqual(r.outcome === 'retryable' && r.status, 429);
    } finally {
      sim.configureFaults({}, true);
    }
  });

  it('maps a refused connection to retryable without a status', async () => {
    const gone = await startSimulator();
    const port = gone.port;
    await gone.close();
    const r = await new StripeProvider({
      apiKey: KEY,
      host: '127.0.0.1',
      port,
      protocol: 'http',
      maxNetworkRetries: 0,
    }).retrievePayment('pi_x');
    assert.equal(r.outcome, 'retryable');
    assert.equal(r.outcome === 'retryable' && r.status, null);
  });

  it('keeps the API key out of anything a logger could print', () => {
    const p = provider({ apiKey: 'sk_test_neverprintme' });
    assert.ok(!inspect(p, { depth: 20, showHidden: true }).includes('neverprintme'));
    assert.ok(!JSON.stringify(p).includes('neverprintme'));
  });

  it('maps a wrong API key to permanent 401 without revealing the key', async () => {
    const r = await provider({ apiKey: 'sk_test_wrongkeyvalue' }).retrievePayment('pi_x');
    assert.equal(r.outcome, 'permanent');
    if (r.outcome !== 'permanent') return;
    assert.equal(r.status, 401);
    assert.ok(!JSON.stringify(r).includes('wrongkeyvalue'));
  });

  it("lets the SDK retry a 5xx with the caller's idempotency key, charging once", async () => {
    // A seed whose first API call fails and second succeeds, found rather than hard-coded.
    const seed = Array.from({ length: 1000 }, (_, i) => i + 1).find((s) => {
      const f = new FaultInjector({ seed: s, errorRate: 0.5, errorStatuses: [503] });
      return f.nextApiFault().kind === 'error' && f.nextApiFault().kind === 'none';
    });
    assert.ok(seed !== undefined);
    sim.configureFaults({ seed, errorRate: 0.5, errorStatuses: [503] }, true);
    try {
      const r = await provider({ maxNetworkRetries: 1 }).createPayment(req());
      assert.equal(r.outcome, 'ok');
      assert.equal(r.outcome === 'ok' && sim.capturesOf(r.value.id), 1);
    } finally {
      sim.configureFaults({}, true);
    }
  });
});
