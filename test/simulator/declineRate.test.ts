import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupProvider } from '../../src/app/provider.js';
import { loadConfig } from '../../src/config/index.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

interface Answer {
  status: number;
  body: { error: { type: string; code: string; decline_code: string; payment_intent: { status: string } } };
}

async function confirm(sim: Simulator, paymentMethod: string): Promise<Answer> {
  const res = await fetch(`${sim.url}/v1/payment_intents`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk_test_decline',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `amount=1000&currency=eur&payment_method=${paymentMethod}&confirm=true`,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('simulator declineRate', () => {
  it('declines that share of confirmations of a card that would succeed, as a generic card decline', async () => {
    const sim = await startSimulator({ faults: { seed: 3, declineRate: 1 } });
    try {
      const r = await confirm(sim, 'pm_card_visa');
      assert.equal(r.status, 402);
      assert.equal(r.body.error.type, 'card_error');
      assert.equal(r.body.error.code, 'card_declined');
      assert.equal(r.body.error.decline_code, 'generic_decline');
      assert.equal(r.body.error.payment_intent.status, 'requires_payment_method');
      sim.configureFaults({ declineRate: 0 });
      assert.equal((await confirm(sim, 'pm_card_visa')).status, 200);
    } finally {
      await sim.close();
    }
  });

  it('is reproducible from the seed and refuses a rate outside [0, 1]', async () => {
    const outcomes = async () => {
      const sim = await startSimulator({ faults: { seed: 42, declineRate: 0.5 } });
      try {
        const out: number[] = [];
        for (let i = 0; i < 12; i++) out.push((await confirm(sim, 'pm_card_visa')).status);
        return out;
      } finally {
        await sim.close();
      }
    };
    const first = await outcomes();
    assert.deepEqual(await outcomes(), first);
    assert.ok(first.includes(402) && first.includes(200), `a mix of outcomes: ${first}`);
    await assert.rejects(startSimulator({ faults: { declineRate: 1.5 } }), RangeError);
  });

  it('PAYSTREAM_SIMULATOR_DECLINE_RATE reaches the embedded simulator', async () => {
    const config = loadConfig({
      env: { PAYSTREAM_SIMULATOR_DECLINE_RATE: '1', PAYSTREAM_SIMULATOR_SEED: '5' },
    });
    const setup = await setupProvider(config, createMetrics());
    try {
      assert.equal(setup.simulator?.faults.config.declineRate, 1);
      const r = await setup.provider.createPayment({
        amount: 1000,
        currency: 'eur',
        paymentMethod: 'pm_card_visa',
        captureMethod: 'automatic',
        customer: null,
        description: null,
        metadata: {},
        idempotencyKey: 'decline-rate-config',
      });
      assert.equal(r.outcome, 'declined');
    } finally {
      await setup.close();
    }
  });
});
