import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

const KEY = 'sk_test_metadata';
let sim: Simulator;
let stripe: Stripe;

before(async () => {
  sim = await startSimulator({ apiKey: KEY });
  stripe = new Stripe(KEY, { host: sim.host, port: sim.port, protocol: 'http', maxNetworkRetries: 0 });
});
after(() => sim.close());

const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

async function refusal(metadata: Record<string, string>): Promise<Stripe.errors.StripeError> {
  try {
    await stripe.paymentIntents.create({ amount: 500, currency: 'eur', metadata });
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  assert.fail('expected the create to be refused');
}

describe("simulator metadata limits (Stripe's: 50 keys, keys up to 40 characters, values up to 500)", () => {
  it('accepts 50 keys of 40 characters with values of 500', async () => {
    const metadata = keys(49);
    metadata['k'.repeat(40)] = 'v'.repeat(500);
    const pi = await stripe.paymentIntents.create({ amount: 500, currency: 'eur', metadata });
    assert.equal(Object.keys(pi.metadata).length, 50);
  });

  it('refuses 51 keys, a key of 41 characters and a value of 501 with 400 invalid_request_error', async () => {
    for (const metadata of [keys(51), { ['k'.repeat(41)]: 'v' }, { k: 'v'.repeat(501) }]) {
      const e = await refusal(metadata);
      assert.equal(e.statusCode, 400);
      assert.equal(e.type, 'StripeInvalidRequestError');
      assert.match(e.param ?? '', /^metadata/);
    }
  });
});
